/**
 * The signed-in token: kept in sessionStorage (this tab only, gone when it closes) and sent as a Bearer header by
 * api.js. A refusal of it anywhere sends the user back to sign-in with the reason.
 */
import { BASE, navigate } from './router.js';

const TOKEN = 'danvan.token';
const NOTICE = 'danvan.notice';

export function token() {
  return sessionStorage.getItem(TOKEN);
}

/** @param {string} value */
export function keepToken(value) {
  sessionStorage.setItem(TOKEN, value);
}

/** The message the sign-in page shows once: why the user is there. */
export function takeNotice() {
  const notice = sessionStorage.getItem(NOTICE);
  sessionStorage.removeItem(NOTICE);
  return notice;
}

/**
 * Forgets the token and goes to sign-in, which returns to the page the user was on.
 * @param {string} [notice] why, shown on the sign-in page
 */
export function signOut(notice) {
  sessionStorage.removeItem(TOKEN);
  if (notice) sessionStorage.setItem(NOTICE, notice);
  const here = window.location.pathname + window.location.search;
  const next = here.startsWith(`${BASE}/sign-in`) ? '' : `?next=${encodeURIComponent(here)}`;
  navigate(`${BASE}/sign-in${next}`, { replace: true });
}
