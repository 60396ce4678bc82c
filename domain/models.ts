import { z } from 'zod';
import { isoDateSchema } from './calendar';
import type { UnitAction } from './campaign';

/**
 * "Dân vận khéo" models and exemplars (mô hình, điển hình): registered at the start of the year in a field,
 * carried out, assessed and appraised (đánh giá, thẩm định), recognized or rejected, commended (khen thưởng),
 * and the best proposed for recognition one level up.
 */
export const MODEL_FIELDS = ['economy', 'culture-society', 'defence-security', 'political-system'] as const;
export const modelFieldSchema = z.enum(MODEL_FIELDS);
export type ModelField = z.infer<typeof modelFieldSchema>;

export const MODEL_STAGES = ['registered', 'assessed', 'recognized', 'rejected', 'commended', 'proposed-upward'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export const modelRegistrationSchema = z.object({
  name: z.string().trim().min(1).max(300),
  field: modelFieldSchema,
  registeredOn: isoDateSchema,
});
export type ModelRegistration = z.infer<typeof modelRegistrationSchema>;

/** The council's steps: score it, then recognize or reject it. */
export const modelAssessmentSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assess'), score: z.number().min(0).max(100), remarks: z.string().trim().min(1).max(4000) }),
  z.object({ action: z.literal('recognize'), remarks: z.string().trim().min(1).max(4000) }),
  z.object({ action: z.literal('reject'), reason: z.string().trim().min(1).max(4000) }),
]);
export type ModelAssessment = z.infer<typeof modelAssessmentSchema>;

/** The administrator's steps: commend it, then propose the best one level up. */
export const modelCommendationSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('commend'), form: z.string().trim().min(1).max(300) }),
  z.object({ action: z.literal('propose-upward'), remarks: z.string().trim().min(1).max(4000) }),
]);
export type ModelCommendation = z.infer<typeof modelCommendationSchema>;

export type ModelStep = ModelAssessment['action'] | ModelCommendation['action'];

/** The one place for the model pipeline: from which stage each step may be taken, where it leads, and its phase rule. */
export const MODEL_STEPS: Record<ModelStep, { from: readonly ModelStage[]; to: ModelStage; action: UnitAction }> = {
  assess: { from: ['registered'], to: 'assessed', action: 'model-assess' },
  recognize: { from: ['assessed'], to: 'recognized', action: 'model-recognize' },
  reject: { from: ['assessed'], to: 'rejected', action: 'model-reject' },
  commend: { from: ['recognized'], to: 'commended', action: 'model-commend' },
  'propose-upward': { from: ['commended'], to: 'proposed-upward', action: 'model-propose-upward' },
};

export function modelStepProblem(step: ModelStep, stage: ModelStage): string | undefined {
  const rule = MODEL_STEPS[step];
  return rule.from.includes(stage) ? undefined : `a model that is ${stage} cannot be given "${step}"; that needs a model that is ${rule.from.join(' or ')}`;
}

/** Counted as recognized once recognized, whatever honours followed. */
export function isRecognized(stage: ModelStage): boolean {
  return stage === 'recognized' || stage === 'commended' || stage === 'proposed-upward';
}
