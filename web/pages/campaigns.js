/** The campaigns, filtered by year, phase, issuer and province (GET /v1/campaigns); the filters live in the URL. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorNote, Shell } from '../components.js';
import { PHASE_NAMES } from '../domain-names.js';
import { formatDate, vietnamDateOf } from '../format.js';
import { usePolled } from '../poll.js';
import { BASE, Link, navigate, unitHref } from '../router.js';
import { COMMON, LIST } from '../strings.js';

/** @typedef {import('../api-types').CampaignList} CampaignList */

const FILTERS = /** @type {const} */ (['year', 'phase', 'issuer', 'province']);

/**
 * The pages a list was read in, one row per campaign: pages read at different times overlap when a campaign is issued
 * between two reads and pushes the rest one place down.
 * @param {CampaignList['items']} items
 */
function oneRowPerCampaign(items) {
  /** @type {Map<string, CampaignList['items'][number]>} */
  const rows = new Map();
  for (const item of items) if (!rows.has(item.campaignId)) rows.set(item.campaignId, item);
  return [...rows.values()];
}

/**
 * @param {{ me: import('../api-types').Me; search: string }} props
 */
export function CampaignsPage({ me, search }) {
  const params = new URLSearchParams(search);
  const filters = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name)?.trim();
    if (value) filters.set(name, value);
  }
  const query = filters.toString();
  // The first page refreshes while the page is open; pages asked for with "more" stay as they came.
  const polled = usePolled(() => /** @type {Promise<CampaignList>} */ (get(`/v1/campaigns?${query ? `${query}&` : ''}pageSize=20`)), query);
  const [more, setMore] = useState(
    /** @type {{ query: string; items: CampaignList['items']; cursor: string | null; error?: Error }} */ ({ query, items: [], cursor: null }),
  );
  const extra = more.query === query ? more : { query, items: [], cursor: null };
  const cursor = extra.items.length > 0 ? extra.cursor : (polled.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      /** @type {CampaignList} */
      const page = await get(`/v1/campaigns?${query ? `${query}&` : ''}pageSize=20&cursor=${encodeURIComponent(cursor)}`);
      setMore({ query, items: [...extra.items, ...page.items], cursor: page.nextCursor });
    } catch (error) {
      setMore({ ...extra, error: /** @type {Error} */ (error) });
    }
  };

  /** @param {SubmitEvent} event */
  const onSubmit = (event) => {
    event.preventDefault();
    const form = new FormData(/** @type {HTMLFormElement} */ (event.currentTarget));
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    navigate(next.size > 0 ? `${BASE}?${next}` : BASE);
  };

  const items = oneRowPerCampaign([...(polled.data?.items ?? []), ...extra.items]);
  // A reporter or council member reads their own unit's page of a campaign, never the whole tree's.
  /** @param {string} campaignId */
  const hrefOf = (campaignId) => (me.scopedToUnit && me.unit ? unitHref(campaignId, me.unit) : unitHref(campaignId));

  return html`<${Shell} me=${me} title=${LIST.title} refreshedAt=${polled.refreshedAt} onRefresh=${polled.refresh}>
    <h1>${LIST.title}</h1>
    <form class="filters card" data-testid="campaign-filters" onSubmit=${onSubmit} key=${query}>
      <label>
        <span>${LIST.year}</span>
        <input name="year" type="number" min="1930" max="2100" inputmode="numeric" defaultValue=${filters.get('year') ?? ''} data-testid="filter-year" />
      </label>
      <label>
        <span>${LIST.phase}</span>
        <select name="phase" data-testid="filter-phase">
          <option value="">${LIST.anyPhase}</option>
          ${Object.entries(PHASE_NAMES).map(([id, name]) => html`<option value=${id} defaultSelected=${filters.get('phase') === id}>${name}</option>`)}
        </select>
      </label>
      <label>
        <span>${LIST.issuer}</span>
        <input name="issuer" placeholder=${LIST.issuerPlaceholder} defaultValue=${filters.get('issuer') ?? ''} data-testid="filter-issuer" />
      </label>
      <label>
        <span>${LIST.province}</span>
        <input name="province" placeholder=${LIST.provincePlaceholder} defaultValue=${filters.get('province') ?? ''} data-testid="filter-province" />
      </label>
      <div class="actions">
        <button type="submit" data-testid="filter-submit">${LIST.filter}</button>
        ${query && html`<${Link} href=${BASE} testid="filter-clear">${LIST.clear}<//>`}
      </div>
    </form>
    <${ErrorNote} error=${polled.error ?? extra.error} stale=${polled.data !== undefined} />
    ${!polled.data && !polled.error && html`<p class="muted">${COMMON.loading}</p>`}
    ${polled.data && items.length === 0 && html`<p class="muted" data-testid="list-empty">${LIST.empty}</p>`}
    ${
      items.length > 0 &&
      html`<table class="rows" data-testid="campaign-list">
        <thead>
          <tr>
            <th>${LIST.plan}</th>
            <th>${LIST.province}</th>
            <th>${LIST.issuer}</th>
            <th>${LIST.year}</th>
            <th>${LIST.phase}</th>
            <th>${LIST.started}</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (c) =>
              html`<tr data-testid="campaign-row" data-campaign-id=${c.campaignId}>
                <td data-label=${LIST.plan}><${Link} href=${hrefOf(c.campaignId)} testid="campaign-link">${c.planNumber}<//></td>
                <td data-label=${LIST.province}>${c.province}</td>
                <td data-label=${LIST.issuer}>${c.issuer}</td>
                <td data-label=${LIST.year} data-testid="campaign-year">${c.year}</td>
                <td data-label=${LIST.phase} data-testid="campaign-phase">${PHASE_NAMES[c.phase] ?? c.phase}${c.running ? '' : ` (${LIST.stopped})`}</td>
                <td data-label=${LIST.started}>${c.startedAt ? formatDate(vietnamDateOf(new Date(c.startedAt))) : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
    ${cursor && html`<button type="button" data-testid="load-more" onClick=${loadMore}>${LIST.more}</button>`}
  <//>`;
}
