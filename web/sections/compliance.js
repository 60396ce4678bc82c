/** How far the units are with what the plan makes owed: study sessions, dialogues and the catalogue obligations. */
import { html } from 'htm/preact';
import { Legend, StackedBar } from '../charts.js';
import { Figure, Section } from '../components.js';
import { formatNumber, formatPercent } from '../format.js';
import { activityName } from '../plan.js';
import { FIGURES, UNIT } from '../strings.js';

/** @typedef {import('../api-types').Tally} Tally */

/**
 * On time, late, overdue and not yet due, as one bar: the parts of what is required.
 * @param {Tally} tally
 */
export function tallySegments(tally) {
  return [
    { value: tally.done - tally.late, className: 'seg-on-time', label: FIGURES.onTime },
    { value: tally.late, className: 'seg-late', label: FIGURES.late },
    { value: tally.overdue, className: 'seg-overdue', label: FIGURES.overdue },
    { value: Math.max(0, tally.required - tally.done - tally.overdue), className: 'seg-pending', label: FIGURES.pending },
  ];
}

/**
 * @param {{ id: string; name: string; tally: Tally; extra?: Array<{ label: string; value: number; key: string }> }} props
 */
function TallyCard({ id, name, tally, extra = [] }) {
  const [onTime, late, overdue, pending] = tallySegments(tally);
  return html`<div class="tally" data-testid=${`tally-${id}`}>
    <h3>${name}</h3>
    <p class="tally-main">
      <span data-testid=${`${id}-done`}>${formatNumber(tally.done)}</span>/<span data-testid=${`${id}-required`}>${formatNumber(tally.required)}</span>
      <span class="percent" data-testid=${`${id}-percent`}>${formatPercent(tally.done, tally.required)}</span>
    </p>
    <${StackedBar} segments=${tallySegments(tally)} total=${tally.required} label=${name} />
    <${Legend}
      items=${[
        { ...onTime, testid: `${id}-on-time` },
        { ...late, testid: `${id}-late` },
        { ...overdue, testid: `${id}-overdue` },
        { ...pending, testid: `${id}-pending` },
      ]}
    />
    ${
      extra.length > 0 &&
      html`<div class="figures">${extra.map((e) => html`<${Figure} label=${e.label} value=${formatNumber(e.value)} testid=${`${id}-${e.key}`} />`)}</div>`
    }
  </div>`;
}

/**
 * @param {{ progress: import('../api-types').Progress }} props
 */
export function Compliance({ progress }) {
  const { studySessions: s, dialogues: d } = progress;
  const owed = Object.entries(progress.obligations ?? {});
  return html`<${Section} title=${UNIT.compliance} testid="compliance">
    <div class="tallies">
      ${
        (s.required > 0 || s.done > 0) &&
        html`<${TallyCard}
          id="study-sessions"
          name=${activityName('study-session')}
          tally=${s}
          extra=${[
            { label: FIGURES.membersPresent, value: s.membersPresent, key: 'members-present' },
            { label: FIGURES.membersTotal, value: s.membersTotal, key: 'members-total' },
          ]}
        />`
      }
      ${
        (d.required > 0 || d.done > 0) &&
        html`<${TallyCard}
          id="dialogues"
          name=${activityName('dialogue')}
          tally=${d}
          extra=${[
            { label: FIGURES.conferences, value: d.conferences, key: 'conferences' },
            { label: FIGURES.attendance, value: d.attendance, key: 'attendance' },
          ]}
        />`
      }
      ${owed.map(([activity, tally]) => html`<${TallyCard} id=${`obligation-${activity}`} name=${activityName(activity)} tally=${tally} />`)}
    </div>
  <//>`;
}
