import type { UnitAction } from './campaign';
import type { ModelAssessment, ModelCommendation } from './schemas';
import type { ModelStage } from './vocabulary';

export type { ModelAssessment, ModelCommendation, ModelRegistration } from './schemas';
export { MODEL_FIELDS, MODEL_STAGES, type ModelField, type ModelStage } from './vocabulary';

/**
 * "Dân vận khéo" models and exemplars (mô hình, điển hình): registered at the start of the year in a field,
 * carried out, assessed and appraised (đánh giá, thẩm định), recognized or rejected, commended (khen thưởng),
 * and the best proposed for recognition one level up.
 */
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

/**
 * The phase rule of a step on one model: a council recognizes or rejects its own models in the assessment phase, and
 * decides the models proposed to it from below (which arrive assessed) in the commendation phase, when they come.
 */
export function modelStepAction(step: ModelStep, model: { origin?: unknown }): UnitAction {
  return model.origin !== undefined && (step === 'recognize' || step === 'reject') ? 'model-decide-proposal' : MODEL_STEPS[step].action;
}

/** Counted as recognized once recognized, whatever honours followed. */
export function isRecognized(stage: ModelStage): boolean {
  return stage === 'recognized' || stage === 'commended' || stage === 'proposed-upward';
}
