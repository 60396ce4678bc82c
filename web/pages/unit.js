/**
 * The campaign overview (its root unit, from GET /v1/campaigns/{id}) and the page of any unit below it (GET
 * /v1/campaigns/{id}/units/{code}): one layout, refreshed while open. A chi bộ shows its own record instead of figures.
 */
import { html } from 'htm/preact';
import { get } from '../api.js';
import { ErrorNote, Shell } from '../components.js';
import { LEVEL_NAMES, PHASE_NAMES } from '../domain-names.js';
import { formatDate } from '../format.js';
import { planObligations } from '../plan.js';
import { usePolled } from '../poll.js';
import { Link, currentTrail, unitHref } from '../router.js';
import { COMMON, UNIT } from '../strings.js';
import { Activities } from '../sections/activities.js';
import { Children } from '../sections/children.js';
import { Compliance } from '../sections/compliance.js';
import { Models } from '../sections/models.js';
import { Overdue, Reminders } from '../sections/overdue.js';
import { Petitions } from '../sections/petitions.js';
import { UnitRecord } from '../sections/record.js';
import { Timeline } from '../sections/timeline.js';

/** @typedef {import('../api-types').Plan} Plan */
/** @typedef {import('../api-types').NodeSnapshot} NodeSnapshot */

/**
 * A campaign's plan never changes once issued (the deadlines in force are in each snapshot), so a unit page asks
 * for it once per campaign.
 * @type {Map<string, Promise<Plan>>}
 */
const plans = new Map();

/** @param {string} campaignId */
function planOf(campaignId) {
  let plan = plans.get(campaignId);
  if (!plan) {
    plan = get(`/v1/campaigns/${encodeURIComponent(campaignId)}/plan`);
    plan.catch(() => plans.delete(campaignId));
    plans.set(campaignId, plan);
  }
  return plan;
}

/**
 * @param {string} campaignId
 * @param {string | undefined} unitCode
 * @returns {Promise<{ snapshot: NodeSnapshot; plan: Plan }>}
 */
async function load(campaignId, unitCode) {
  if (unitCode === undefined) {
    /** @type {import('../api-types').CampaignSnapshot} */
    const snapshot = await get(`/v1/campaigns/${encodeURIComponent(campaignId)}`);
    return { snapshot, plan: snapshot.plan };
  }
  const [snapshot, plan] = await Promise.all([
    /** @type {Promise<NodeSnapshot>} */ (get(`/v1/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}`)),
    planOf(campaignId),
  ]);
  return { snapshot, plan };
}

/**
 * A unit owned by its parent's workflow answers as that workflow with only its own record (api/unit-routes.ts).
 * @param {NodeSnapshot} snapshot
 */
function isLeaf(snapshot) {
  const [only, ...others] = snapshot.units;
  return snapshot.children.length === 0 && others.length === 0 && only?.code === snapshot.unitCode && only.parent !== undefined;
}

/** @param {string} text */
const capitalized = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * @param {{ me: import('../api-types').Me; campaignId: string; unitCode?: string }} props
 */
export function UnitPage({ me, campaignId, unitCode }) {
  const polled = usePolled(() => load(campaignId, unitCode), `${campaignId}/${unitCode ?? ''}`);
  if (!polled.data)
    return html`<${Shell} me=${me} onRefresh=${polled.refresh}>
      ${polled.error ? html`<${ErrorNote} error=${polled.error} />` : html`<p class="muted">${COMMON.loading}</p>`}
    <//>`;

  const { snapshot, plan } = polled.data;
  const self = snapshot.units.find((u) => u.code === snapshot.unitCode);
  const name = self?.name ?? (snapshot.unitCode === plan.issuer.unitCode ? plan.issuer.name : snapshot.unitCode);
  const leaf = isLeaf(snapshot);
  const obligations = planObligations(plan);
  const trail = currentTrail();
  const below = [...trail, { code: snapshot.unitCode, name }];
  /** @param {string} code */
  const hrefOf = (code) => (code === plan.issuer.unitCode && !me.scopedToUnit ? unitHref(campaignId) : unitHref(campaignId, code));
  const level = self ? `${capitalized(LEVEL_NAMES[self.kind] ?? self.kind)} · ` : '';
  const about = `${level}${UNIT.plan} ${plan.number} ${UNIT.issuedOn(formatDate(plan.issuedOn))} — ${plan.title}`;
  // Above a scoped user's own unit there is nothing they may read.
  const parent = self?.parent !== undefined && !(me.scopedToUnit && snapshot.unitCode === me.unit) ? self.parent : undefined;

  return html`<${Shell} me=${me} title=${name} refreshedAt=${polled.refreshedAt} onRefresh=${polled.refresh}>
    <nav class="crumbs" data-testid="breadcrumbs">
      ${!me.scopedToUnit && html`<${Link} href=${unitHref(campaignId)}>${UNIT.plan} ${plan.number}<//>`}
      ${trail.map((crumb, i) =>
        // The plan's link above is the root's page for a user who may read it.
        crumb.code === plan.issuer.unitCode && !me.scopedToUnit ? null : html`<${Link} href=${hrefOf(crumb.code)} trail=${trail.slice(0, i)}>${crumb.name}<//>`,
      )}
      ${trail.length === 0 && parent !== undefined && html`<${Link} href=${hrefOf(parent)} testid="parent-link">↑ ${COMMON.up}<//>`}
    </nav>
    <header class="unit-head" data-testid="unit-page" data-unit-code=${snapshot.unitCode} data-leaf=${String(leaf)}>
      <h1 data-testid="unit-name">${name}</h1>
      <p class="muted">${about}</p>
      <p>${UNIT.phase}: <strong class="phase" data-testid="phase">${PHASE_NAMES[snapshot.phase] ?? snapshot.phase}</strong></p>
    </header>
    <${ErrorNote} error=${polled.error} stale=${true} />
    <${Timeline} plan=${plan} phase=${snapshot.phase} deadlines=${snapshot.deadlines} obligations=${obligations} />
    ${
      leaf && self
        ? html`<${UnitRecord} unit=${self} overdue=${snapshot.overdueUnits.length > 0} />
            <${Overdue} snapshot=${snapshot} obligations=${obligations} campaignId=${campaignId} trail=${below} leaf=${true} />`
        : html`<${Compliance} progress=${snapshot.progress} />
            <${Children} snapshot=${snapshot} campaignId=${campaignId} trail=${below} />
            <${Overdue} snapshot=${snapshot} obligations=${obligations} campaignId=${campaignId} trail=${below} leaf=${false} />
            <${Reminders} progress=${snapshot.progress} />
            <${Models} progress=${snapshot.progress} />
            <${Petitions} progress=${snapshot.progress} />
            <${Activities} activities=${snapshot.progress.activities} />`
    }
  <//>`;
}
