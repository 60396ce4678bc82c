import { ACTION_PHASES, actionPhaseProblem, PHASES, phaseMoveProblem, type Phase, type UnitAction } from '../../domain/campaign';
import { isRecognized, MODEL_FIELDS, MODEL_STAGES, MODEL_STEPS, modelStepProblem, type ModelStage, type ModelStep } from '../../domain/models';
import { emptyProgress, modelTotals, percent, sumProgress, type Progress } from '../../domain/progress';
import { PETITION_KINDS } from '../../domain/reports';

describe('campaign phases: issued → deployed → in progress → assessment → commendation → closed', () => {
  it('each phase may move to the next one', () => {
    expect(phaseMoveProblem('issued', 'deployed')).toBeUndefined();
    expect(phaseMoveProblem('deployed', 'in-progress')).toBeUndefined();
    expect(phaseMoveProblem('in-progress', 'assessment')).toBeUndefined();
    expect(phaseMoveProblem('assessment', 'commendation')).toBeUndefined();
    expect(phaseMoveProblem('commendation', 'closed')).toBeUndefined();
  });

  it('skipping a phase is refused, naming the next phase', () => {
    expect(phaseMoveProblem('deployed', 'assessment')).toMatchObject({
      code: 'conflict',
      message: 'from deployed the next phase is in-progress, not assessment',
      vi: 'Từ giai đoạn triển khai chỉ chuyển sang giai đoạn tổ chức thực hiện',
      field: 'to',
      value: 'assessment',
    });
    expect(phaseMoveProblem('issued', 'closed')?.message).toContain('the next phase is deployed');
    expect(phaseMoveProblem('in-progress', 'commendation')?.message).toContain('the next phase is assessment');
  });

  it('moving backwards or staying put is refused', () => {
    expect(phaseMoveProblem('assessment', 'in-progress')).toMatchObject({
      message: 'the campaign is already assessment; phases only move forward',
      vi: 'Kế hoạch đang ở giai đoạn đánh giá, thẩm định; giai đoạn chỉ chuyển tiếp, không quay lại',
    });
    expect(phaseMoveProblem('deployed', 'issued')?.message).toContain('only move forward');
    expect(phaseMoveProblem('in-progress', 'in-progress')?.message).toContain('only move forward');
  });

  it('a closed campaign moves nowhere', () => {
    for (const to of PHASES) expect(phaseMoveProblem('closed', to)).toMatchObject({ message: 'the campaign is closed', vi: 'Kế hoạch đã kết thúc' });
  });

  it('exactly five moves are legal among all 36 pairs', () => {
    const legal: string[] = [];
    for (const from of PHASES) for (const to of PHASES) if (phaseMoveProblem(from, to) === undefined) legal.push(`${from}→${to}`);
    expect(legal).toEqual(['issued→deployed', 'deployed→in-progress', 'in-progress→assessment', 'assessment→commendation', 'commendation→closed']);
  });
});

describe('which unit actions each phase accepts', () => {
  const cases: Array<[UnitAction, Phase, Phase]> = [
    ['study-session', 'in-progress', 'deployed'],
    ['dialogue', 'commendation', 'closed'],
    ['petition', 'deployed', 'issued'],
    ['petition-resolution', 'closed', 'issued'],
    ['model-registration', 'deployed', 'assessment'],
    ['model-assess', 'assessment', 'in-progress'],
    ['model-recognize', 'assessment', 'commendation'],
    ['model-reject', 'assessment', 'in-progress'],
    ['model-commend', 'commendation', 'assessment'],
    ['model-propose-upward', 'commendation', 'closed'],
  ];

  it.each(cases)('%s is accepted in %s and refused in %s', (action, allowed, refused) => {
    expect(actionPhaseProblem(action, allowed)).toBeUndefined();
    const problem = actionPhaseProblem(action, refused);
    expect(problem).toContain(action);
    expect(problem).toContain(`it is ${refused}`);
  });

  it('the refusal lists the phases that would accept the action', () => {
    expect(actionPhaseProblem('study-session', 'deployed')).toBe(
      'study-session is accepted only while the campaign is in-progress or assessment or commendation; it is deployed',
    );
  });

  it('nothing is accepted once the campaign is issued only, and once closed only the resolution of a petition still open', () => {
    for (const action of Object.keys(ACTION_PHASES) as UnitAction[]) {
      expect(actionPhaseProblem(action, 'issued')).toBeDefined();
      if (action !== 'petition-resolution') expect(actionPhaseProblem(action, 'closed')).toBeDefined();
    }
    expect(actionPhaseProblem('petition-resolution', 'closed')).toBeUndefined();
  });

  it('every action is accepted in at least one phase', () => {
    for (const action of Object.keys(ACTION_PHASES) as UnitAction[]) {
      expect(PHASES.some((phase) => actionPhaseProblem(action, phase) === undefined)).toBe(true);
    }
  });
});

describe('"Dân vận khéo" model pipeline', () => {
  it('registered → assessed → recognized → commended → proposed-upward is allowed step by step', () => {
    const steps: ModelStep[] = ['assess', 'recognize', 'commend', 'propose-upward'];
    let stage: ModelStage = 'registered';
    for (const step of steps) {
      expect(modelStepProblem(step, stage)).toBeUndefined();
      stage = MODEL_STEPS[step].to;
    }
    expect(stage).toBe('proposed-upward');
  });

  it('an assessed model may be rejected', () => {
    expect(modelStepProblem('reject', 'assessed')).toBeUndefined();
    expect(MODEL_STEPS.reject.to).toBe('rejected');
  });

  it('a registered model cannot be recognized before it is assessed', () => {
    expect(modelStepProblem('recognize', 'registered')).toBe('a model that is registered cannot be given "recognize"; that needs a model that is assessed');
  });

  it('a rejected model cannot be commended', () => {
    expect(modelStepProblem('commend', 'rejected')).toContain('needs a model that is recognized');
  });

  it('a recognized model that was not commended cannot be proposed upward', () => {
    expect(modelStepProblem('propose-upward', 'recognized')).toContain('needs a model that is commended');
  });

  it('no step can be taken twice or out of order', () => {
    expect(modelStepProblem('assess', 'assessed')).toBeDefined();
    expect(modelStepProblem('assess', 'recognized')).toBeDefined();
    expect(modelStepProblem('reject', 'registered')).toBeDefined();
    expect(modelStepProblem('reject', 'recognized')).toBeDefined();
    expect(modelStepProblem('commend', 'commended')).toBeDefined();
    expect(modelStepProblem('commend', 'assessed')).toBeDefined();
    expect(modelStepProblem('propose-upward', 'proposed-upward')).toBeDefined();
    for (const step of Object.keys(MODEL_STEPS) as ModelStep[]) expect(modelStepProblem(step, 'rejected')).toBeDefined();
  });

  it('exactly the five documented (step, stage) pairs are legal', () => {
    const legal: string[] = [];
    for (const step of Object.keys(MODEL_STEPS) as ModelStep[])
      for (const stage of MODEL_STAGES) if (modelStepProblem(step, stage) === undefined) legal.push(`${step}@${stage}`);
    expect(legal.sort()).toEqual(['assess@registered', 'commend@recognized', 'propose-upward@commended', 'recognize@assessed', 'reject@assessed']);
  });

  it('assessment steps belong to the assessment phase, commendation steps to the commendation phase', () => {
    for (const step of ['assess', 'recognize', 'reject'] as const) {
      expect(actionPhaseProblem(MODEL_STEPS[step].action, 'assessment')).toBeUndefined();
      expect(actionPhaseProblem(MODEL_STEPS[step].action, 'commendation')).toBeDefined();
    }
    for (const step of ['commend', 'propose-upward'] as const) {
      expect(actionPhaseProblem(MODEL_STEPS[step].action, 'commendation')).toBeUndefined();
      expect(actionPhaseProblem(MODEL_STEPS[step].action, 'assessment')).toBeDefined();
    }
  });

  it('a model counts as recognized once recognized, whatever honours followed; not before, not if rejected', () => {
    expect(MODEL_STAGES.filter(isRecognized)).toEqual(['recognized', 'commended', 'proposed-upward']);
    expect(isRecognized('registered')).toBe(false);
    expect(isRecognized('assessed')).toBe(false);
    expect(isRecognized('rejected')).toBe(false);
  });
});

/** Every number in a nested structure, with its path. */
function leaves(value: unknown, path = ''): Array<[string, number]> {
  if (typeof value === 'number') return [[path, value]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}

/** A progress with a distinct number in every figure: the first figure gets `start`, the next `start + step`… */
function numbered(start: number, step: number): Progress {
  const progress = emptyProgress();
  let n = start;
  const fill = (node: Record<string, unknown>) => {
    for (const key of Object.keys(node)) {
      if (typeof node[key] === 'number') {
        node[key] = n;
        n += step;
      } else fill(node[key] as Record<string, unknown>);
    }
  };
  fill(progress as unknown as Record<string, unknown>);
  return progress;
}

describe('progress figures', () => {
  it('emptyProgress is zero everywhere, and has every figure: 6 + 7 study/dialogue, 2 per petition kind, 6 stages per field, 2 reminders', () => {
    const figures = leaves(emptyProgress());
    expect(figures.every(([, v]) => v === 0)).toBe(true);
    expect(figures).toHaveLength(6 + 7 + 2 * PETITION_KINDS.length + MODEL_STAGES.length * MODEL_FIELDS.length + 2);
    expect(figures.map(([p]) => p)).toEqual(
      expect.arrayContaining([
        'studySessions.membersPresent',
        'dialogues.lateConferences',
        'petitions.to-cao.resolved',
        'models.political-system.proposed-upward',
        'reminders.escalations',
      ]),
    );
  });

  it('each emptyProgress is a fresh object', () => {
    const a = emptyProgress();
    a.models.economy.registered = 5;
    a.petitions['kien-nghi'].recorded = 3;
    a.studySessions.done = 2;
    expect(leaves(emptyProgress()).every(([, v]) => v === 0)).toBe(true);
  });

  it('sumProgress adds every number in the nested structure', () => {
    const a = numbered(1, 1);
    const b = numbered(1000, 10);
    const c = numbered(4819, 0);
    const total = sumProgress([a, b, c]);
    const la = leaves(a);
    const lb = leaves(b);
    const lc = leaves(c);
    const expected = la.map(([path, v], i) => [path, v + lb[i]![1] + lc[i]![1]]);
    expect(leaves(total)).toEqual(expected);
    expect(total.studySessions.required).toBe(1 + 1000 + 4819);
  });

  it('sumProgress leaves its parts unchanged and sums nothing to zero', () => {
    const a = numbered(1, 2);
    const before = JSON.parse(JSON.stringify(a));
    sumProgress([a, a]);
    expect(a).toEqual(before);
    expect(sumProgress([])).toEqual(emptyProgress());
    expect(sumProgress([a])).toEqual(a);
  });

  it('a commune rolled up into its district: figures add, e.g. 4.819 members present', () => {
    const bacLy = emptyProgress();
    bacLy.studySessions = { required: 13, done: 13, late: 1, overdue: 0, membersPresent: 412, membersTotal: 430 };
    bacLy.models.economy.recognized = 1;
    const chauMinh = emptyProgress();
    chauMinh.studySessions = { required: 12, done: 10, late: 0, overdue: 2, membersPresent: 4407, membersTotal: 4600 };
    chauMinh.models.economy.recognized = 2;
    chauMinh.models['culture-society'].rejected = 1;
    const district = sumProgress([bacLy, chauMinh]);
    expect(district.studySessions).toEqual({ required: 25, done: 23, late: 1, overdue: 2, membersPresent: 4819, membersTotal: 5030 });
    expect(district.models.economy.recognized).toBe(3);
    expect(district.models['culture-society'].rejected).toBe(1);
  });

  it('modelTotals: registered counts every model, recognized counts recognized + commended + proposed-upward', () => {
    const p = emptyProgress();
    p.models.economy = { registered: 4, assessed: 3, recognized: 2, rejected: 1, commended: 1, 'proposed-upward': 1 };
    p.models['defence-security'] = { registered: 0, assessed: 0, recognized: 5, rejected: 2, commended: 0, 'proposed-upward': 3 };
    expect(modelTotals(p)).toEqual({ registered: 12 + 10, recognized: 4 + 8, rejected: 3, commended: 2 + 3, proposedUpward: 4 });
  });

  it('modelTotals of an empty progress is all zero', () => {
    expect(modelTotals(emptyProgress())).toEqual({ registered: 0, recognized: 0, rejected: 0, commended: 0, proposedUpward: 0 });
  });

  it('percent: nothing required is 100 %; otherwise one decimal, never rounded up past what was done', () => {
    expect(percent(0, 0)).toBe(100);
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.6);
    expect(percent(0, 13)).toBe(0);
    expect(percent(13, 13)).toBe(100);
    expect(percent(12, 13)).toBe(92.3);
    expect(percent(999, 1000)).toBe(99.9);
    expect(percent(4819, 5030)).toBe(95.8);
  });
});
