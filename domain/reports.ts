import { z } from 'zod';
import { isoDateSchema } from './calendar';

/**
 * What units report during the campaign. Each schema checks what can be checked without the campaign's
 * state (shapes, impossible numbers); rules that need the state (right unit, right phase, held within the
 * window, not in the future) live in domain/ledger.ts.
 */

/** Sinh hoạt chuyên đề: a chi bộ's thematic session on Hồ Chí Minh's article "Dân vận" (Sự Thật, 15/10/1949). */
export const studySessionSchema = z
  .object({
    heldOn: isoDateSchema,
    membersPresent: z.number().int().min(0).max(10_000),
    membersTotal: z.number().int().min(1).max(10_000),
  })
  .refine((r) => r.membersPresent <= r.membersTotal, {
    path: ['membersPresent'],
    message: 'more members present than the chi bộ has',
  });
export type StudySession = z.infer<typeof studySessionSchema>;

/** Hội nghị đối thoại: a commune's leaders listening to citizens (environment, land, resources, whatever they raise). */
export const dialogueSchema = z.object({
  heldOn: isoDateSchema,
  topic: z.string().trim().min(1).max(500),
  /** Lượt người: attendances. */
  attendance: z.number().int().min(1).max(1_000_000),
});
export type Dialogue = z.infer<typeof dialogueSchema>;

/** Kiến nghị (recommendation), khiếu nại (complaint), tố cáo (denunciation). */
export const PETITION_KINDS = ['kien-nghi', 'khieu-nai', 'to-cao'] as const;
export const petitionKindSchema = z.enum(PETITION_KINDS);
export type PetitionKind = z.infer<typeof petitionKindSchema>;

export const petitionSchema = z.object({
  kind: petitionKindSchema,
  content: z.string().trim().min(1).max(4000),
  receivedOn: isoDateSchema,
});
export type Petition = z.infer<typeof petitionSchema>;

export const petitionResolutionSchema = z.object({
  resolvedOn: isoDateSchema,
  outcome: z.string().trim().min(1).max(4000),
});
export type PetitionResolution = z.infer<typeof petitionResolutionSchema>;

export const PETITION_STATUSES = ['open', 'resolved'] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];

/** Identifies a report across retries: the API's Idempotency-Key, or any key the caller chooses. */
export const idempotencyKeySchema = z.string().trim().min(8).max(200).regex(/^[\x21-\x7e]+$/, 'expected 8–200 visible ASCII characters');
