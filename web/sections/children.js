/**
 * The drill-down: each unit one level below with its figures, a link to its own page. Units that run workflows of
 * their own (province → district → commune) carry their subtree's progress; chi bộ are records of their commune.
 */
import { html } from 'htm/preact';
import { StackedBar } from '../charts.js';
import { Section } from '../components.js';
import { LEVEL_NAMES } from '../domain-names.js';
import { formatDate, formatNumber, formatPercent } from '../format.js';
import { activityName } from '../plan.js';
import { Link, unitHref } from '../router.js';
import { FIGURES, UNIT } from '../strings.js';
import { tallySegments } from './compliance.js';

/** @typedef {import('../api-types').NodeSnapshot} NodeSnapshot */
/** @typedef {import('../router.js').Crumb} Crumb */

/** @param {import('../api-types').Progress} p */
export function overdueCount(p) {
  return p.studySessions.overdue + p.dialogues.overdue + Object.values(p.obligations ?? {}).reduce((sum, t) => sum + t.overdue, 0);
}

/**
 * @param {{ snapshot: NodeSnapshot; campaignId: string; trail: Crumb[] }} props
 */
export function Children({ snapshot, campaignId, trail }) {
  const leaves = snapshot.units.filter((u) => u.parent === snapshot.unitCode);
  if (snapshot.children.length === 0 && leaves.length === 0) return null;
  const overdue = new Set(snapshot.overdueUnits.map((u) => u.code));
  return html`<${Section} title=${snapshot.children.length > 0 ? UNIT.children : UNIT.leaves} testid="children">
    <table class="rows">
      <thead>
        <tr>
          <th>${UNIT.unit}</th>
          <th>${activityName('study-session')}</th>
          <th>${snapshot.children.length > 0 ? activityName('dialogue') : UNIT.activities}</th>
          <th>${FIGURES.overdue}</th>
        </tr>
      </thead>
      <tbody>
        ${snapshot.children.map((child) => {
          const { studySessions: s, dialogues: d } = child.progress;
          return html`<tr data-testid="child-row" data-unit-code=${child.unitCode}>
            <td data-label=${UNIT.unit}>
              <${Link} href=${unitHref(campaignId, child.unitCode)} trail=${trail} testid="child-link">${child.name}<//>
              <span class="kind">${LEVEL_NAMES[child.kind] ?? child.kind}</span>
            </td>
            <td data-label=${activityName('study-session')}>
              <span data-testid="child-study-sessions">${formatNumber(s.done)}/${formatNumber(s.required)}</span>
              <span class="percent">${formatPercent(s.done, s.required)}</span>
              <${StackedBar} segments=${tallySegments(s)} total=${s.required} label=${`${child.name}: ${activityName('study-session')}`} />
            </td>
            <td data-label=${activityName('dialogue')}>
              <span data-testid="child-dialogues">${formatNumber(d.done)}/${formatNumber(d.required)}</span>
            </td>
            <td data-label=${FIGURES.overdue}><span data-testid="child-overdue">${formatNumber(overdueCount(child.progress))}</span></td>
          </tr>`;
        })}
        ${leaves.map((leaf) => {
          const session = leaf.studySession;
          const reports = Object.values(leaf.activities ?? {}).reduce((sum, a) => sum + a.reports, 0);
          return html`<tr data-testid="leaf-row" data-unit-code=${leaf.code}>
            <td data-label=${UNIT.unit}>
              <${Link} href=${unitHref(campaignId, leaf.code)} trail=${trail} testid="leaf-link">${leaf.name}<//>
            </td>
            <td data-label=${activityName('study-session')}>
              <span data-testid="leaf-study-session" class=${session?.late ? 'late' : ''}>
                ${
                  session
                    ? `${formatDate(session.heldOn)} · ${UNIT.members(session.membersPresent, session.membersTotal)}${session.late ? ` · ${UNIT.late}` : ''}`
                    : UNIT.notReported
                }
              </span>
            </td>
            <td data-label=${UNIT.activities}><span data-testid="leaf-activities">${formatNumber(reports)}</span></td>
            <td data-label=${FIGURES.overdue}><span data-testid="leaf-overdue">${overdue.has(leaf.code) ? UNIT.overdue : ''}</span></td>
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}
