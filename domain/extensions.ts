import { phaseIndex, type Phase } from './campaign';
import { reject, type Rejection } from './rejection';
import { lastReportingDeadline } from './obligations';
import { formatVietnameseDate, type Deadline, type Deadlines } from './schedule';

/** The phase each phase-ending deadline closes; the obligation deadlines end reporting instead. */
const PHASE_ENDED_BY: Partial<Record<Deadline, Phase>> = { assessment: 'assessment', commendation: 'commendation' };

/**
 * Whether a deadline may move to `to`: only later, never past a phase that is over, and never so that the
 * deadlines fall out of order (reporting, then assessment, then commendation).
 */
export function extensionProblem(
  deadlines: Deadlines,
  request: { deadline: Deadline; to: string },
  phase: Phase,
  window: { closesOn: string },
): Rejection | undefined {
  const { deadline, to } = request;
  if (phase === 'closed') return reject('conflict', 'the campaign is closed', 'Kế hoạch đã kết thúc, không thể gia hạn', 'deadline', deadline);
  if (typeof to !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(to))
    return reject('invalid', `to: expected a date YYYY-MM-DD, got ${JSON.stringify(to)}`, 'Ngày gia hạn không hợp lệ', 'to', to);
  const current = deadlines[deadline];
  if (current === undefined)
    return reject(
      'not-found',
      `the plan has no deadline ${deadline}; its deadlines are ${Object.keys(deadlines).join(', ')}`,
      `Kế hoạch không có thời hạn "${deadline}"`,
      'deadline',
      deadline,
    );
  if (to <= current) {
    return reject(
      'conflict',
      `${deadline} is already ${current}; an extension must move it later`,
      `Thời hạn hiện là ${formatVietnameseDate(current)}; gia hạn phải lùi thời hạn về sau`,
      'to',
      to,
    );
  }
  const next = { ...deadlines, [deadline]: to };
  const lastReport = lastReportingDeadline(next, window.closesOn);
  if (next.assessment < lastReport) {
    return reject(
      'conflict',
      `the assessment deadline (${next.assessment}) would end before reporting does (${lastReport}); extend assessment first`,
      `Thời hạn đánh giá (${formatVietnameseDate(next.assessment)}) sẽ sớm hơn thời hạn báo cáo (${formatVietnameseDate(lastReport)}); cần gia hạn đánh giá trước`,
      'to',
      to,
    );
  }
  if (next.commendation < next.assessment) {
    return reject(
      'conflict',
      `the commendation deadline (${next.commendation}) would end before assessment (${next.assessment}); extend commendation first`,
      `Thời hạn khen thưởng (${formatVietnameseDate(next.commendation)}) sẽ sớm hơn thời hạn đánh giá (${formatVietnameseDate(next.assessment)}); cần gia hạn khen thưởng trước`,
      'to',
      to,
    );
  }
  const ended = PHASE_ENDED_BY[deadline];
  if (ended && phaseIndex(phase) > phaseIndex(ended)) {
    return reject(
      'conflict',
      `the ${ended} phase is over; its deadline can no longer move`,
      'Giai đoạn này đã kết thúc, không thể gia hạn',
      'deadline',
      deadline,
    );
  }
  return undefined;
}
