import { z } from 'zod';

/** The lifecycle of a campaign: issued → deployed → in progress → assessment → commendation → closed. */
export const PHASES = ['issued', 'deployed', 'in-progress', 'assessment', 'commendation', 'closed'] as const;
export const phaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof phaseSchema>;
