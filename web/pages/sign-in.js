/** Sign-in with a token: checked with GET /v1/me before it is kept, refused with the API's reason. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ApiError, whoAmI } from '../api.js';
import { Shell } from '../components.js';
import { BASE, navigate } from '../router.js';
import { keepToken, takeNotice } from '../session.js';
import { SIGN_IN } from '../strings.js';

/**
 * @param {{ search: string; onSignedIn: (me: import('../api-types').Me) => void }} props
 */
export function SignInPage({ search, onSignedIn }) {
  const [notice] = useState(() => takeNotice());
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);

  /** @param {SubmitEvent} event */
  const onSubmit = async (event) => {
    event.preventDefault();
    const form = new FormData(/** @type {HTMLFormElement} */ (event.currentTarget));
    const candidate = String(form.get('token') ?? '').trim();
    if (!candidate) return setError(SIGN_IN.empty);
    setBusy(true);
    setError(null);
    try {
      const me = await whoAmI(candidate);
      keepToken(candidate);
      onSignedIn(me);
      // Only a page of the dashboard: a crafted link must not send the user elsewhere.
      const next = new URLSearchParams(search).get('next');
      navigate(next?.startsWith(`${BASE}`) && !next.startsWith(`${BASE}/sign-in`) ? next : BASE, { replace: true });
    } catch (failure) {
      setBusy(false);
      setError(failure instanceof ApiError ? `${SIGN_IN.refused} ${failure.message}` : SIGN_IN.unreachable);
    }
  };

  return html`<${Shell} title=${SIGN_IN.title}>
    <form class="card sign-in" data-testid="sign-in-form" onSubmit=${onSubmit}>
      <h1>${SIGN_IN.title}</h1>
      ${notice && html`<p class="notice" role="status" data-testid="sign-in-notice">${notice}</p>`}
      <label for="token">${SIGN_IN.label}</label>
      <textarea id="token" name="token" rows="4" placeholder=${SIGN_IN.placeholder} autocomplete="off" spellcheck="false" data-testid="token-input"></textarea>
      <p class="muted">${SIGN_IN.hint}</p>
      ${error && html`<p class="error" role="alert" data-testid="sign-in-error">${error}</p>`}
      <button type="submit" disabled=${busy} data-testid="sign-in-submit">${busy ? SIGN_IN.checking : SIGN_IN.submit}</button>
    </form>
  <//>`;
}
