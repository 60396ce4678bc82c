/** Where the campaign stands: its phases, its window and every deadline in force, with the days left or gone. */
import { html } from 'htm/preact';
import { TimeLine } from '../charts.js';
import { Section } from '../components.js';
import { PHASE_NAMES } from '../domain-names.js';
import { daysBetween, formatDate, vietnamDateOf } from '../format.js';
import { deadlineName } from '../plan.js';
import { UNIT } from '../strings.js';

/**
 * @param {{ plan: import('../api-types').Plan; phase: string; deadlines: Record<string, string>; obligations: readonly import('../api-types').Obligation[] }} props
 */
export function Timeline({ plan, phase, deadlines, obligations }) {
  const today = vietnamDateOf(new Date());
  const phases = Object.keys(PHASE_NAMES);
  const current = phases.indexOf(phase);
  const dated = Object.entries(deadlines).sort(([a, x], [b, y]) => x.localeCompare(y) || a.localeCompare(b));
  const dates = [plan.window.opensOn, plan.window.closesOn, today, ...dated.map(([, date]) => date)].sort();
  /** @param {string} date */
  const status = (date) => {
    const days = daysBetween(today, date);
    if (days > 0) return UNIT.daysLeft(days);
    return days === 0 ? UNIT.dueToday : UNIT.daysPast(-days);
  };
  return html`<${Section} title=${UNIT.timeline} testid="timeline">
    <ol class="phases">
      ${phases.map(
        (p, i) =>
          html`<li
            class=${i < current ? 'done' : i === current ? 'current' : 'todo'}
            data-testid=${`phase-step-${p}`}
            aria-current=${i === current ? 'step' : undefined}
          >
            ${PHASE_NAMES[p]}
          </li>`,
      )}
    </ol>
    <${TimeLine}
      from=${dates[0] ?? today}
      to=${dates[dates.length - 1] ?? today}
      window=${plan.window}
      today=${today}
      todayLabel=${UNIT.today}
      marks=${dated.map(([key, date]) => ({ date, className: date < today ? 'mark-past' : 'mark-future', label: deadlineName(key, obligations) }))}
    />
    <p class="window">${UNIT.window}: <span data-testid="window">${formatDate(plan.window.opensOn)} – ${formatDate(plan.window.closesOn)}</span></p>
    <ol class="deadlines">
      ${dated.map(
        ([key, date]) =>
          html`<li data-testid="deadline-row" data-deadline=${key} class=${date < today ? 'past' : ''}>
            <span class="deadline-name">${deadlineName(key, obligations)}</span>
            <span class="deadline-date" data-testid="deadline-date">${formatDate(date)}</span>
            <span class="deadline-status" data-testid="deadline-status">${status(date)}</span>
          </li>`,
      )}
    </ol>
  <//>`;
}
