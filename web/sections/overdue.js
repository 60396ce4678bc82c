/** Units past a deadline without their report, with how late they are, and the reminders the clock has sent. */
import { html } from 'htm/preact';
import { Figure, Section } from '../components.js';
import { daysBetween, formatDate, formatNumber, vietnamDateOf } from '../format.js';
import { activityName, deadlineOf } from '../plan.js';
import { Link, unitHref } from '../router.js';
import { UNIT } from '../strings.js';
import { overdueCount } from './children.js';

/** Rows shown; the count above them is complete. */
const SHOWN = 50;

/**
 * @param {{ snapshot: import('../api-types').NodeSnapshot; obligations: readonly import('../api-types').Obligation[]; campaignId: string; trail: import('../router.js').Crumb[]; leaf: boolean }} props
 */
export function Overdue({ snapshot, obligations, campaignId, trail, leaf }) {
  const today = vietnamDateOf(new Date());
  /** @type {Map<string, string>} */
  const names = new Map([
    ...snapshot.children.map((c) => /** @type {[string, string]} */ ([c.unitCode, c.name])),
    ...snapshot.units.map((u) => /** @type {[string, string]} */ ([u.code, u.name])),
  ]);
  // A chi bộ's page lists its own; elsewhere the figures count the whole subtree, which the list may stop short of.
  const total = leaf ? snapshot.overdueUnits.length : Math.max(overdueCount(snapshot.progress), snapshot.overdueUnits.length);
  const rows = snapshot.overdueUnits.slice(0, SHOWN);
  return html`<${Section} title=${UNIT.overdue} testid="overdue">
    <div class="figures"><${Figure} label=${UNIT.overdue} value=${formatNumber(total)} testid="overdue-count" className=${total > 0 ? 'alarm' : ''} /></div>
    ${
      rows.length === 0
        ? html`<p class="muted">${UNIT.noOverdue}</p>`
        : html`<table class="rows">
            <thead>
              <tr>
                <th>${UNIT.unit}</th>
                <th>${UNIT.owes}</th>
                <th>${UNIT.howLate}</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map((unit) => {
                const deadline = deadlineOf(unit.obligation, obligations, snapshot.deadlines);
                const name = names.get(unit.code);
                return html`<tr data-testid="overdue-row" data-unit-code=${unit.code} data-obligation=${unit.obligation}>
                  <td data-label=${UNIT.unit}>
                    ${
                      unit.code === snapshot.unitCode
                        ? (name ?? unit.code)
                        : html`<${Link} href=${unitHref(campaignId, unit.code)} trail=${trail}>${name ?? unit.code}<//>`
                    }
                  </td>
                  <td data-label=${UNIT.owes}>
                    ${activityName(unit.obligation)}${deadline ? html` <span class="muted">(${UNIT.deadline(formatDate(deadline))})</span>` : ''}
                  </td>
                  <td data-label=${UNIT.howLate} class="late" data-testid="overdue-days">${deadline ? UNIT.lateBy(daysBetween(deadline, today)) : ''}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    ${total > rows.length && html`<p class="muted" data-testid="overdue-more">${UNIT.overdueMore(total - rows.length)}</p>`}
  <//>`;
}

/**
 * @param {{ progress: import('../api-types').Progress }} props
 */
export function Reminders({ progress }) {
  return html`<${Section} title=${UNIT.reminders} testid="reminders">
    <div class="figures">
      <${Figure} label=${UNIT.remindersSent} value=${formatNumber(progress.reminders.sent)} testid="reminders-sent" />
      <${Figure} label=${UNIT.escalations} value=${formatNumber(progress.reminders.escalations)} testid="reminders-escalations" />
    </div>
  <//>`;
}
