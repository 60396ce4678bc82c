/** The "Dân vận khéo" pipeline: models by field and by the stage each is in, then the honours given, by level. */
import { html } from 'htm/preact';
import { Legend, StackedBar } from '../charts.js';
import { Figure, Section } from '../components.js';
import { HONOUR_FORM_NAMES, LEVEL_NAMES, RECIPIENT_NAMES } from '../domain-names.js';
import { formatNumber } from '../format.js';
import { FIELD_NAMES, STAGE_NAMES, UNIT } from '../strings.js';

/** Counted as recognized once recognized, whatever honours followed (domain/models.ts isRecognized). */
const RECOGNIZED = ['recognized', 'commended', 'proposed-upward'];

/** @param {Record<string, number>} stages */
const sum = (stages) => Object.values(stages).reduce((s, n) => s + n, 0);

/**
 * @param {{ progress: import('../api-types').Progress }} props
 */
export function Models({ progress }) {
  const fields = Object.entries(progress.models);
  const stages = Object.keys(fields[0]?.[1] ?? STAGE_NAMES);
  const registered = fields.reduce((s, [, byStage]) => s + sum(byStage), 0);
  const recognized = fields.reduce((s, [, byStage]) => s + RECOGNIZED.reduce((r, stage) => r + (byStage[stage] ?? 0), 0), 0);
  /** @param {string} stage @param {number} value */
  const segment = (stage, value) => ({ value, className: `stage-${stage}`, label: STAGE_NAMES[stage] ?? stage });
  return html`<${Section} title=${UNIT.models} testid="models">
    <div class="figures">
      <${Figure} label=${UNIT.registered} value=${formatNumber(registered)} testid="models-registered" />
      <${Figure} label=${UNIT.recognized} value=${formatNumber(recognized)} testid="models-recognized" />
    </div>
    <table class="rows models">
      <thead>
        <tr>
          <th>${UNIT.field}</th>
          ${stages.map((stage) => html`<th>${STAGE_NAMES[stage] ?? stage}</th>`)}
          <th>${UNIT.total}</th>
        </tr>
      </thead>
      <tbody>
        ${fields.map(
          ([field, byStage]) =>
            html`<tr data-testid="model-row" data-field=${field}>
              <td data-label=${UNIT.field}>
                ${FIELD_NAMES[field] ?? field}
                <${StackedBar} segments=${stages.map((stage) => segment(stage, byStage[stage] ?? 0))} label=${FIELD_NAMES[field] ?? field} />
              </td>
              ${stages.map(
                (stage) =>
                  html`<td data-label=${STAGE_NAMES[stage] ?? stage} data-testid=${`model-${field}-${stage}`}>${formatNumber(byStage[stage] ?? 0)}</td>`,
              )}
              <td data-label=${UNIT.total} data-testid=${`model-${field}-total`}>${formatNumber(sum(byStage))}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <${Legend}
      items=${stages.map((stage) =>
        segment(
          stage,
          fields.reduce((s, [, byStage]) => s + (byStage[stage] ?? 0), 0),
        ),
      )}
    />
    <${Honours} honours=${progress.honours} />
  <//>`;
}

/**
 * @param {{ honours: import('../api-types').Progress['honours'] }} props
 */
function Honours({ honours }) {
  if (!honours) return null;
  const recognized = Object.entries(honours.recognized).filter(([, n]) => (n ?? 0) > 0);
  const commended = Object.entries(honours.commended).flatMap(([form, byLevel]) =>
    Object.entries(byLevel ?? {}).flatMap(([level, byRecipient]) =>
      Object.entries(byRecipient ?? {}).map(([recipient, n]) => ({ form, level, recipient, n: n ?? 0 })),
    ),
  );
  return html`<div class="honours" data-testid="honours">
    <h3>${UNIT.honours}</h3>
    <div class="figures">
      ${recognized.map(
        ([level, n]) =>
          html`<${Figure}
            label=${`${UNIT.recognizedAt}: ${LEVEL_NAMES[level] ?? level}`}
            value=${formatNumber(n ?? 0)}
            testid=${`honours-recognized-${level}`}
          />`,
      )}
      ${commended.map(
        (c) =>
          html`<${Figure}
            label=${`${HONOUR_FORM_NAMES[c.form] ?? c.form} ${LEVEL_NAMES[c.level] ?? c.level} — ${RECIPIENT_NAMES[c.recipient] ?? c.recipient}`}
            value=${formatNumber(c.n)}
            testid=${`honours-${c.form}-${c.level}-${c.recipient}`}
          />`,
      )}
      <${Figure} label=${UNIT.awaiting} value=${formatNumber(honours.awaitingDecision)} testid="honours-awaiting" />
    </div>
  </div>`;
}
