/**
 * Pages by path, without reloading: /dashboard, /dashboard/sign-in, /dashboard/campaigns/{id} and
 * /dashboard/campaigns/{id}/units/{code} (the API serves the same page at each, so a link or a reload works too).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/dashboard';
const CHANGED = 'danvan:navigate';

/**
 * A page's own trail down the tree: the units clicked through to reach it, kept in the history entry so Back and
 * reload keep it.
 * @typedef {{ code: string; name: string }} Crumb
 */

/**
 * @typedef {{ page: 'sign-in' } | { page: 'campaigns' } | { page: 'unit'; campaignId: string; unitCode?: string } | { page: 'not-found' }} Route
 */

/**
 * @param {string} pathname
 * @returns {Route}
 */
export function routeOf(pathname) {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  if (parts[0] !== 'dashboard') return { page: 'not-found' };
  if (parts.length === 1) return { page: 'campaigns' };
  if (parts.length === 2 && parts[1] === 'sign-in') return { page: 'sign-in' };
  if (parts[1] === 'campaigns' && parts[2]) {
    if (parts.length === 3) return { page: 'unit', campaignId: parts[2] };
    if (parts.length === 5 && parts[3] === 'units' && parts[4]) return { page: 'unit', campaignId: parts[2], unitCode: parts[4] };
  }
  return { page: 'not-found' };
}

/**
 * @param {string} campaignId
 * @param {string} [unitCode]
 */
export function unitHref(campaignId, unitCode) {
  const campaign = `${BASE}/campaigns/${encodeURIComponent(campaignId)}`;
  return unitCode === undefined ? campaign : `${campaign}/units/${encodeURIComponent(unitCode)}`;
}

/**
 * @param {string} href
 * @param {{ replace?: boolean; trail?: Crumb[] }} [options]
 */
export function navigate(href, options = {}) {
  const state = { trail: options.trail ?? [] };
  if (options.replace) history.replaceState(state, '', href);
  else history.pushState(state, '', href);
  window.dispatchEvent(new Event(CHANGED));
  window.scrollTo(0, 0);
}

/** @returns {Crumb[]} */
export function currentTrail() {
  const state = /** @type {{ trail?: Crumb[] } | null} */ (history.state);
  return state?.trail ?? [];
}

/** The location, re-rendered on every navigation and on Back and Forward. */
export function useLocation() {
  const [location, setLocation] = useState(() => ({ pathname: window.location.pathname, search: window.location.search }));
  useEffect(() => {
    const update = () => setLocation({ pathname: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return location;
}

/**
 * A link that navigates in the page; a modified click (new tab) is left to the browser.
 * @param {{ href: string; trail?: Crumb[]; testid?: string; className?: string; children?: unknown }} props
 */
export function Link({ href, trail, testid, className, children }) {
  /** @param {MouseEvent} event */
  const onClick = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href, trail ? { trail } : {});
  };
  return html`<a href=${href} onClick=${onClick} data-testid=${testid} class=${className}>${children}</a>`;
}
