export type { Dialogue, Petition, PetitionResolution, StudySession } from './schemas';

/**
 * What units report during the campaign, and the one rule about a report that needs nothing but the report
 * itself. The shapes are in domain/schemas.ts; rules that need the campaign's state are in domain/ledger.ts.
 */

/** Kiến nghị (recommendation), khiếu nại (complaint), tố cáo (denunciation). */
export const PETITION_KINDS = ['kien-nghi', 'khieu-nai', 'to-cao'] as const;
export type PetitionKind = (typeof PETITION_KINDS)[number];

export const PETITION_STATUSES = ['open', 'resolved'] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];

/** A chi bộ cannot have more members at its session than it has. */
export function membersProblem(session: { membersPresent: number; membersTotal: number }): string | undefined {
  return session.membersPresent > session.membersTotal ? 'more members present than the chi bộ has' : undefined;
}
