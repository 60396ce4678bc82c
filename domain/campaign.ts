import { reject, type Rejection } from './rejection';
import { lastReportingDeadline } from './obligations';
import { deadlineEnd, startOfDayVietnam, type Deadlines } from './schedule';
import { PHASES, type Phase } from './vocabulary';

export { PHASES, type Phase } from './vocabulary';

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}

/** How the plans name each phase. */
export const PHASE_NAMES_VI: Record<Phase, string> = {
  issued: 'ban hành',
  deployed: 'triển khai',
  'in-progress': 'tổ chức thực hiện',
  assessment: 'đánh giá, thẩm định',
  commendation: 'khen thưởng',
  closed: 'kết thúc',
};

/** Phases only move forward, one step at a time: nothing is skipped, so every phase's work gets its turn. */
export function phaseMoveProblem(from: Phase, to: Phase): Rejection | undefined {
  if (from === 'closed') return reject('conflict', 'the campaign is closed', 'Kế hoạch đã kết thúc', 'to', to);
  if (phaseIndex(to) <= phaseIndex(from)) {
    return reject(
      'conflict',
      `the campaign is already ${from}; phases only move forward`,
      `Kế hoạch đang ở giai đoạn ${PHASE_NAMES_VI[from]}; giai đoạn chỉ chuyển tiếp, không quay lại`,
      'to',
      to,
    );
  }
  const next = PHASES[phaseIndex(from) + 1]!;
  if (to !== next)
    return reject(
      'conflict',
      `from ${from} the next phase is ${next}, not ${to}`,
      `Từ giai đoạn ${PHASE_NAMES_VI[from]} chỉ chuyển sang giai đoạn ${PHASE_NAMES_VI[next]}`,
      'to',
      to,
    );
  return undefined;
}

/** What a unit can do, and in which phases it may. The one place for "which transitions are legal in each phase". */
export const ACTION_PHASES = {
  'study-session': ['in-progress', 'assessment', 'commendation'],
  dialogue: ['in-progress', 'assessment', 'commendation'],
  activity: ['deployed', 'in-progress', 'assessment', 'commendation'],
  petition: ['deployed', 'in-progress', 'assessment', 'commendation'],
  // A petition is followed until it is resolved: the workflows that hold one open stay up after closing (workflows/node.ts).
  'petition-resolution': ['deployed', 'in-progress', 'assessment', 'commendation', 'closed'],
  'model-registration': ['deployed', 'in-progress'],
  'model-assess': ['assessment'],
  'model-recognize': ['assessment'],
  'model-reject': ['assessment'],
  'model-commend': ['commendation'],
  'model-propose-upward': ['commendation'],
  // Proposals from below arrive in the commendation phase, so the council above decides them then.
  'model-decide-proposal': ['commendation'],
  commendation: ['commendation'],
} as const satisfies Record<string, readonly Phase[]>;

export type UnitAction = keyof typeof ACTION_PHASES;

export function actionPhaseProblem(action: UnitAction, phase: Phase): string | undefined {
  const allowed: readonly Phase[] = ACTION_PHASES[action];
  return allowed.includes(phase) ? undefined : `${action} is accepted only while the campaign is ${allowed.join(' or ')}; it is ${phase}`;
}

/**
 * The phase move the clock makes by itself from `phase`, and when: the window's first day starts the work, the
 * end of the last reporting deadline starts assessment, the assessment and commendation deadlines end theirs.
 * Administrators may move earlier; nothing moves back.
 */
export function nextAutomaticMove(
  phase: Phase,
  window: { opensOn: string; closesOn: string },
  deadlines: Deadlines,
): { to: Phase; at: Date; reason: string } | undefined {
  switch (phase) {
    case 'deployed':
      return { to: 'in-progress', at: startOfDayVietnam(window.opensOn), reason: `the campaign window opens on ${window.opensOn}` };
    case 'in-progress': {
      const last = lastReportingDeadline(deadlines, window.closesOn);
      return { to: 'assessment', at: deadlineEnd(last), reason: `the reporting deadlines ended on ${last}` };
    }
    case 'assessment':
      return { to: 'commendation', at: deadlineEnd(deadlines.assessment), reason: `the assessment deadline ended on ${deadlines.assessment}` };
    case 'commendation':
      return { to: 'closed', at: deadlineEnd(deadlines.commendation), reason: `the commendation deadline ended on ${deadlines.commendation}` };
    default:
      return undefined;
  }
}

/**
 * The phase at `now`: `phase` with every automatic move already due applied. A unit judges reports by it, so a
 * report sent the instant a deadline passes meets the phase the campaign has entered, even when the unit's own
 * clock has not yet turned in that workflow task.
 */
export function phaseAt(now: Date, phase: Phase, window: { opensOn: string; closesOn: string }, deadlines: Deadlines): Phase {
  let current = phase;
  for (
    let move = nextAutomaticMove(current, window, deadlines);
    move && move.at.getTime() <= now.getTime();
    move = nextAutomaticMove(current, window, deadlines)
  )
    current = move.to;
  return current;
}
