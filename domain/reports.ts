export type { Dialogue, Petition, PetitionResolution, StudySession } from './schemas';
export { membersProblem, PETITION_KINDS, type PetitionKind } from './vocabulary';

/**
 * What units report during the campaign. The shapes are in domain/schemas.ts; the one rule about a report that
 * needs nothing but the report itself is in domain/vocabulary.ts, since the schemas check it too; rules that need
 * the campaign's state are in domain/ledger.ts.
 */

export const PETITION_STATUSES = ['open', 'resolved'] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];
