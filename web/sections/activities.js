/** The plan's activity figures: every catalogue kind reported, named as the plans name it, with its measures. */
import { html } from 'htm/preact';
import { Section } from '../components.js';
import { ACTIVITIES } from '../domain-names.js';
import { formatNumber } from '../format.js';
import { measureName } from '../plan.js';
import { UNIT } from '../strings.js';

/**
 * @param {{ activities: Record<string, { reports: number; measures: Record<string, number> }> | undefined }} props
 */
export function Activities({ activities }) {
  const reported = ACTIVITIES.filter((kind) => (activities?.[kind.id]?.reports ?? 0) > 0);
  return html`<${Section} title=${UNIT.activities} testid="activities">
    ${
      reported.length === 0
        ? html`<p class="muted">${UNIT.noActivities}</p>`
        : html`<ul class="activities">
            ${reported.map((kind) => {
              const totals = /** @type {{ reports: number; measures: Record<string, number> }} */ (activities?.[kind.id]);
              return html`<li data-testid="activity-row" data-activity=${kind.id}>
                <h3 data-testid=${`activity-${kind.id}-name`}>${kind.vi}</h3>
                <dl>
                  <div>
                    <dt>${UNIT.reports}</dt>
                    <dd data-testid=${`activity-${kind.id}-reports`}>${formatNumber(totals.reports)}</dd>
                  </div>
                  ${kind.measures.map(
                    (measure) =>
                      html`<div>
                        <dt>${measureName(measure)}</dt>
                        <dd data-testid=${`activity-${kind.id}-${measure}`}>${formatNumber(totals.measures[measure] ?? 0)}</dd>
                      </div>`,
                  )}
                </dl>
              </li>`;
            })}
          </ul>`
    }
  <//>`;
}
