/**
 * A chi bộ's page: its own record as its commune's workflow keeps it (the figures of the snapshot around it are the
 * commune's, so they are not shown as the chi bộ's).
 */
import { html } from 'htm/preact';
import { Section } from '../components.js';
import { formatDate, vietnamDateOf } from '../format.js';
import { activityName } from '../plan.js';
import { FIELD_NAMES, PETITION_NAMES, STAGE_NAMES, UNIT } from '../strings.js';
import { Activities } from './activities.js';

/** @param {string} instant */
const dayOf = (instant) => formatDate(vietnamDateOf(new Date(instant)));

/** @param {import('../api-types').LedgerUnit['petitions'][number]} p */
function petitionLine(p) {
  const status = p.status === 'resolved' ? `${UNIT.resolved}${p.resolvedOn ? ` ${formatDate(p.resolvedOn)}` : ''}` : UNIT.open;
  return `${PETITION_NAMES[p.kind] ?? p.kind} ${formatDate(p.receivedOn)}: ${p.content} — ${status}`;
}

/**
 * @param {{ unit: import('../api-types').LedgerUnit; overdue: boolean }} props
 */
export function UnitRecord({ unit, overdue }) {
  const session = unit.studySession;
  return html`<${Section} title=${UNIT.record} testid="record">
      <h3>${activityName('study-session')}</h3>
      <p data-testid="record-study-session" class=${session?.late || (!session && overdue) ? 'late' : ''}>
        ${
          session
            ? `${UNIT.heldOn(formatDate(session.heldOn))}; ${UNIT.members(session.membersPresent, session.membersTotal)}; ${UNIT.reportedOn(dayOf(session.reportedAt))}, ${session.late ? UNIT.late : UNIT.onTime}`
            : `${UNIT.notReported}${overdue ? ` — ${UNIT.howLate.toLowerCase()}` : ''}`
        }
      </p>
      ${
        unit.dialogues.length > 0 &&
        html`<h3>${activityName('dialogue')}</h3>
          <ul data-testid="record-dialogues">
            ${unit.dialogues.map(
              (d) => html`<li>${UNIT.heldOn(formatDate(d.heldOn))}: ${d.topic}; ${UNIT.attendance(d.attendance)}; ${d.late ? UNIT.late : UNIT.onTime}</li>`,
            )}
          </ul>`
      }
      ${
        unit.petitions.length > 0 &&
        html`<h3>${UNIT.petitions}</h3>
          <ul data-testid="record-petitions">
            ${unit.petitions.map((p) => html`<li>${petitionLine(p)}</li>`)}
          </ul>`
      }
      ${
        unit.models.length > 0 &&
        html`<h3>${UNIT.models}</h3>
          <ul data-testid="record-models">
            ${unit.models.map(
              (m) =>
                html`<li>
                  ${m.name} (${FIELD_NAMES[m.field] ?? m.field}): ${STAGE_NAMES[m.stage] ?? m.stage}${m.score === undefined ? '' : `, ${UNIT.score(m.score)}`}
                </li>`,
            )}
          </ul>`
      }
    <//>
    <${Activities} activities=${unit.activities} />`;
}
