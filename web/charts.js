/**
 * Charts as inline SVG, drawn by a few small functions: a bar split into parts, and a time line. Colours come from
 * style.css by class, so the CSP needs no inline style. Each chart repeats figures the page also prints as text.
 */
import { html } from 'htm/preact';
import { daysBetween, formatNumber } from './format.js';

/**
 * @typedef {{ value: number; className: string; label: string }} Segment
 */

/**
 * A bar split into parts in proportion to their values, over `total` (the parts' sum when larger).
 * @param {{ segments: Segment[]; total?: number; label: string; testid?: string }} props
 */
export function StackedBar({ segments, total = 0, label, testid }) {
  const sum = Math.max(
    total,
    segments.reduce((s, part) => s + part.value, 0),
  );
  let x = 0;
  const parts = segments
    .filter((part) => part.value > 0 && sum > 0)
    .map((part) => {
      const width = (part.value / sum) * 100;
      const rect = html`<rect class=${part.className} x=${x} y="0" width=${width} height="10"><title>${part.label}: ${formatNumber(part.value)}</title></rect>`;
      x += width;
      return rect;
    });
  return html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=${label} data-testid=${testid}>
    <rect class="bar-track" x="0" y="0" width="100" height="10" />
    ${parts}
  </svg>`;
}

/**
 * The parts of a chart with their figures, under it.
 * @param {{ items: Array<Segment & { testid?: string }> }} props
 */
export function Legend({ items }) {
  return html`<ul class="legend">
    ${items.map(
      (item) =>
        html`<li>
          <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class=${item.className} width="10" height="10" /></svg>
          <span>${item.label}</span>
          <strong data-testid=${item.testid}>${formatNumber(item.value)}</strong>
        </li>`,
    )}
  </ul>`;
}

/**
 * @typedef {{ date: string; className: string; label: string }} Mark
 */

/**
 * A time line from `from` to `to`: the campaign window as a band, each deadline as a tick (past ones grey), today as
 * a line. The ticks carry no labels, which would overlap at a phone's width: the list under it names each deadline
 * in the same order.
 * @param {{ from: string; to: string; window: { opensOn: string; closesOn: string }; today: string; todayLabel: string; marks: Mark[] }} props
 */
export function TimeLine({ from, to, window, today, todayLabel, marks }) {
  const span = Math.max(1, daysBetween(from, to));
  /** @param {string} date */
  const x = (date) => Math.min(997, Math.max(3, (daysBetween(from, date) / span) * 1000));
  return html`<svg class="timeline-chart" viewBox="0 0 1000 40" preserveAspectRatio="none" role="img" aria-hidden="true">
    <rect class="timeline-axis" x="0" y="18" width="1000" height="4" />
    <rect class="timeline-window" x=${x(window.opensOn)} y="12" width=${Math.max(2, x(window.closesOn) - x(window.opensOn))} height="16" />
    ${marks.map((mark) => html`<rect class=${mark.className} x=${x(mark.date) - 3} y="4" width="6" height="32"><title>${mark.label}</title></rect>`)}
    <rect class="timeline-today" x=${x(today) - 1.5} y="0" width="3" height="40"><title>${todayLabel}</title></rect>
  </svg>`;
}
