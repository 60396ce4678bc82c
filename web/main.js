/** The dashboard's entry: who is signed in, and which page the address names. */
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { Shell } from './components.js';
import { CampaignsPage } from './pages/campaigns.js';
import { SignInPage } from './pages/sign-in.js';
import { UnitPage } from './pages/unit.js';
import { routeOf, useLocation } from './router.js';
import { signOut, token } from './session.js';
import { COMMON } from './strings.js';

/** @typedef {import('./api-types').Me} Me */

function App() {
  const location = useLocation();
  const route = routeOf(location.pathname);
  const [me, setMe] = useState(/** @type {Me | null} */ (null));
  const signedIn = token() !== null;

  useEffect(() => {
    if (route.page === 'sign-in') return;
    if (!signedIn) return signOut();
    // Once per sign-in: the token's principal does not change while it is kept.
    if (!me)
      get('/v1/me').then(
        (answer) => setMe(/** @type {Me} */ (answer)),
        () => undefined,
      );
  }, [route.page, signedIn, me]);

  if (route.page === 'sign-in') return html`<${SignInPage} search=${location.search} onSignedIn=${setMe} />`;
  if (!me) return html`<${Shell}><p class="muted">${COMMON.loading}</p><//>`;
  if (route.page === 'campaigns') return html`<${CampaignsPage} me=${me} search=${location.search} />`;
  if (route.page === 'unit') return html`<${UnitPage} key=${location.pathname} me=${me} campaignId=${route.campaignId} unitCode=${route.unitCode} />`;
  return html`<${Shell} me=${me}><p data-testid="not-found">${COMMON.notFound}</p><//>`;
}

render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('app')));
