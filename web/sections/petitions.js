/** Petitions raised at dialogues and elsewhere, followed until resolved: by kind, resolved and still open. */
import { html } from 'htm/preact';
import { StackedBar } from '../charts.js';
import { Section } from '../components.js';
import { formatNumber } from '../format.js';
import { PETITION_NAMES, UNIT } from '../strings.js';

/**
 * @param {{ progress: import('../api-types').Progress }} props
 */
export function Petitions({ progress }) {
  const kinds = Object.entries(progress.petitions);
  return html`<${Section} title=${UNIT.petitions} testid="petitions">
    <table class="rows">
      <thead>
        <tr>
          <th>${UNIT.kind}</th>
          <th>${UNIT.recorded}</th>
          <th>${UNIT.resolved}</th>
          <th>${UNIT.open}</th>
        </tr>
      </thead>
      <tbody>
        ${kinds.map(([kind, { recorded, resolved }]) => {
          const name = PETITION_NAMES[kind] ?? kind;
          return html`<tr data-testid="petition-row" data-kind=${kind}>
            <td data-label=${UNIT.kind}>
              ${name}
              <${StackedBar}
                segments=${[
                  { value: resolved, className: 'seg-on-time', label: UNIT.resolved },
                  { value: recorded - resolved, className: 'seg-late', label: UNIT.open },
                ]}
                label=${name}
              />
            </td>
            <td data-label=${UNIT.recorded} data-testid=${`petition-${kind}-recorded`}>${formatNumber(recorded)}</td>
            <td data-label=${UNIT.resolved} data-testid=${`petition-${kind}-resolved`}>${formatNumber(resolved)}</td>
            <td data-label=${UNIT.open} data-testid=${`petition-${kind}-open`}>${formatNumber(recorded - resolved)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}
