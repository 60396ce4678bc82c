/** The frame every page shares, and the small pieces the sections are made of. */
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { formatVietnamTime } from './format.js';
import { BASE, Link } from './router.js';
import { signOut } from './session.js';
import { APP_TITLE, COMMON, SIGN_IN, whoIs } from './strings.js';

/**
 * @param {{ me?: import('./api-types').Me | null; title?: string; refreshedAt?: Date | undefined; onRefresh?: () => void; children?: unknown }} props
 */
export function Shell({ me, title, refreshedAt, onRefresh, children }) {
  useEffect(() => {
    document.title = title ? `${title} — ${APP_TITLE}` : APP_TITLE;
  }, [title]);
  return html`
    <header class="top">
      <${Link} href=${BASE} className="brand" testid="home">${APP_TITLE}<//>
      ${
        me &&
        html`<div class="who">
          <span data-testid="user">${whoIs(me)}</span>
          <button type="button" class="link" data-testid="sign-out" onClick=${() => signOut(SIGN_IN.signedOut)}>${COMMON.signOut}</button>
        </div>`
      }
    </header>
    ${
      onRefresh &&
      html`<div class="refreshed">
        <span data-testid="refreshed-at">${refreshedAt ? COMMON.refreshedAt(formatVietnamTime(refreshedAt)) : COMMON.loading}</span>
        <button type="button" class="link" data-testid="refresh" onClick=${onRefresh}>${COMMON.refresh}</button>
      </div>`
    }
    <main>${children}</main>
  `;
}

/**
 * @param {{ title: string; testid: string; children?: unknown }} props
 */
export function Section({ title, testid, children }) {
  return html`<section class="card" data-testid=${testid}>
    <h2>${title}</h2>
    ${children}
  </section>`;
}

/**
 * One number with what it counts; the number is what the tests read.
 * @param {{ label: string; value: string; testid: string; className?: string }} props
 */
export function Figure({ label, value, testid, className }) {
  return html`<div class=${`figure ${className ?? ''}`}>
    <span class="figure-value" data-testid=${testid}>${value}</span>
    <span class="figure-label">${label}</span>
  </div>`;
}

/**
 * @param {{ error: Error | undefined; stale?: boolean }} props
 */
export function ErrorNote({ error, stale }) {
  if (!error) return null;
  return html`<p class="error" role="alert" data-testid="load-error">${COMMON.loadFailed(error.message)}${stale ? ` ${COMMON.retrying}` : ''}</p>`;
}
