import { ApplicationFailure } from '@temporalio/common';
import { draftIdFor, planDraftSchema, type PlanDraft } from '../domain/drafts';
import { deadlineEnd } from '../domain/schedule';
import { draftFromTemplate, nextWindowYear, type PlanTemplate } from '../domain/templates';
import { isTemplateId, loadTemplate } from '../infra/templates';

export interface DraftRequest {
  /** A template shipped with danvan: a schedule runs for years, so it names a file every worker has. */
  templateId: string;
  issuer: { unitCode: string; name: string };
  /** When the kick-off ran (workflow time): the draft is of the template's next window to open after it. */
  at: string;
}

/**
 * Drafts the plan of the template's next window for one commission, from the template file as it is today. A
 * template that is missing or makes no valid draft is a failure no retry mends: the kick-off fails naming the
 * file or the field, for the schedule's recent actions to show.
 */
export async function draftPlan(request: DraftRequest): Promise<PlanDraft> {
  const template = shippedTemplate(request.templateId);
  const year = nextWindowYear(template, new Date(request.at));
  const plan = draftFromTemplate(template, { issuer: request.issuer, year });
  const draft = {
    draftId: draftIdFor(template.id, plan),
    template: { id: template.id, name: template.name },
    plan,
    expiresAt: deadlineEnd(plan.window.closesOn).toISOString(),
  };
  const checked = planDraftSchema.safeParse(draft);
  if (!checked.success)
    throw ApplicationFailure.nonRetryable(
      `template ${template.id} makes no valid plan for ${year}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      'invalid-template',
    );
  return checked.data;
}

function shippedTemplate(templateId: string): PlanTemplate {
  if (!isTemplateId(templateId))
    throw ApplicationFailure.nonRetryable(`templateId: expected a shipped template id, got ${JSON.stringify(templateId)}`, 'invalid-template');
  try {
    return loadTemplate(templateId);
  } catch (error) {
    throw ApplicationFailure.nonRetryable((error as Error).message, 'invalid-template');
  }
}
