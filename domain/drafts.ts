import { z } from 'zod';
import { planSchema, utcInstantSchema } from './schemas';
import { planTemplateSchema } from './templates';

/**
 * The yearly kick-off: ahead of each year's window a plan is drafted from its template for an issuing commission,
 * which reviews it, gives it its number and issue date and issues it, or discards it. A draft has no number, so no
 * campaign yet: it is named by its issuer, year and template instead. The workflows take only its types.
 */

/** One draft per issuer, year and template, e.g. `HN-HBT-2026-dan-van-kheo`: a kick-off that runs twice finds the draft it made. */
export function draftIdFor(templateId: string, plan: { issuer: { unitCode: string }; year: number }): string {
  return `${plan.issuer.unitCode}-${plan.year}-${templateId}`;
}

/** Never a campaign id, whose end is the issuer code of a plan number, in capitals. */
export const draftIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*-\d{4}-[a-z][a-z0-9-]{1,39}$/, 'expected a draft id like HN-HBT-2026-dan-van-kheo');

/** A drafted plan as it travels (plan.drafted, the draft's state): a plan as written in every field but the number and the issue date, which come when it is issued. */
export const planDraftSchema = z.object({
  draftId: draftIdSchema,
  template: z.object({ id: planTemplateSchema.shape.id, name: planTemplateSchema.shape.name }),
  plan: planSchema.in.in.omit({ number: true, issuedOn: true }),
  /** The first instant after the window closes: a draft not issued by then expires. */
  expiresAt: utcInstantSchema,
});
export type PlanDraft = z.output<typeof planDraftSchema>;

/** Where a draft stands: open until an administrator issues or discards it, or the window closes. */
export const DRAFT_STATUSES = ['open', 'issued', 'discarded', 'expired'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export interface DraftState {
  draft: PlanDraft;
  status: DraftStatus;
  /** Set once issued: the campaign it became and who issued it. */
  issued?: { campaignId: string; number: string; issuedOn: string; by: string };
  discarded?: { reason: string; by: string };
}
