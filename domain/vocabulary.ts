import { addDays } from './calendar';

/**
 * The words the wire and the rules share: every enumeration a plan, a unit tree, a report or an event is written
 * in, the defaults a plan is completed with, and the one check a report needs nothing but itself for.
 * domain/schemas.ts builds the zod schemas from these and the rule modules reason in them, so neither imports
 * the other for them. No zod here: the workflows load this module.
 */

/** The lifecycle of a campaign: issued → deployed → in progress → assessment → commendation → closed. */
export const PHASES = ['issued', 'deployed', 'in-progress', 'assessment', 'commendation', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

/** The deadlines that end phases: assessment and commendation. Every other deadline of a plan ends an obligation. */
export const PHASE_DEADLINES = ['assessment', 'commendation'] as const;

/**
 * A deadline's name: one of PHASE_DEADLINES or the name a plan gives an obligation's deadline ("study-sessions",
 * "dialogues" in every "Tháng Dân vận" plan).
 */
export type Deadline = string;
/** The named deadlines of a plan, as calendar dates: the phase deadlines always, then one per obligation. */
export type Deadlines = Record<(typeof PHASE_DEADLINES)[number], string> & Record<Deadline, string>;

/** The deadlines of a "Tháng Dân vận" plan, which names no obligations of its own. */
export const DEADLINES = ['study-sessions', 'dialogues', ...PHASE_DEADLINES] as const;

/**
 * Who carries a task out, as the plans name them: party committees (cấp ủy, tổ chức Đảng), state agencies
 * (cơ quan Nhà nước), the Fatherland Front and socio-political organisations (Mặt trận Tổ quốc và các tổ
 * chức chính trị - xã hội), the armed forces (lực lượng vũ trang).
 */
export const ACTOR_GROUPS = ['party-committees', 'state-agencies', 'fatherland-front', 'armed-forces'] as const;

/**
 * What a plan asks of its units: which unit kinds owe which activity, how many (a study session or a dialogue: one;
 * a catalogue activity: that many in the `count` of its reports), and the name of the deadline it is due by.
 */
export interface PlanObligation {
  activity: string;
  owedBy: UnitKind[];
  target: number;
  deadline: Deadline;
}

/**
 * The obligations of "Tháng Dân vận", and of every plan that names none: every chi bộ holds its thematic study
 * session, the leaders of every commune hold a dialogue with citizens.
 */
export const DEFAULT_OBLIGATIONS: readonly PlanObligation[] = [
  { activity: 'study-session', owedBy: ['party-cell'], target: 1, deadline: 'study-sessions' },
  { activity: 'dialogue', owedBy: ['commune'], target: 1, deadline: 'dialogues' },
];

/** Unset deadlines follow the window: obligations by its last day, assessment 15 days and commendation 30 days after. */
export function defaultDeadlines(closesOn: string, obligations: readonly Pick<PlanObligation, 'deadline'>[] = DEFAULT_OBLIGATIONS): Deadlines {
  return {
    ...Object.fromEntries(obligations.map((o) => [o.deadline, closesOn])),
    assessment: addDays(closesOn, 15),
    commendation: addDays(closesOn, 30),
  };
}

/** The reminders of a plan that names none; each field of a plan's policy falls back to its own here. */
/** What chi bộ study in the "Tháng Dân vận" thematic session (seed 002): a plan may name another (`studyTopic`). */
export const DEFAULT_STUDY_TOPIC = 'bài báo "Dân vận" của Chủ tịch Hồ Chí Minh';

export const DEFAULT_REMINDER_POLICY = { daysBefore: [7, 3, 1], overdueEveryDays: 3, hourLocal: 8 };

/** From the top of the tree down; a national campaign's root is above the provinces. */
export const UNIT_KINDS = ['national', 'province', 'district', 'commune', 'party-cell'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** The rank of a kind in the hierarchy: a child's rank must be strictly greater than its parent's. */
export function kindRank(kind: UnitKind): number {
  return UNIT_KINDS.indexOf(kind);
}

/** The two reports with records of their own that a plan can make owed; every other obligation is a catalogue activity. */
export const OBLIGATIONS = ['study-session', 'dialogue'] as const;
export type Obligation = (typeof OBLIGATIONS)[number];

/** Kiến nghị (recommendation), khiếu nại (complaint), tố cáo (denunciation). */
export const PETITION_KINDS = ['kien-nghi', 'khieu-nai', 'to-cao'] as const;
export type PetitionKind = (typeof PETITION_KINDS)[number];

/** A chi bộ cannot have more members at its session than it has. */
export function membersProblem(session: { membersPresent: number; membersTotal: number }): string | undefined {
  return session.membersPresent > session.membersTotal ? 'more members present than the chi bộ has' : undefined;
}

/** The fields a "Dân vận khéo" model is registered in. */
export const MODEL_FIELDS = ['economy', 'culture-society', 'defence-security', 'political-system'] as const;
export type ModelField = (typeof MODEL_FIELDS)[number];

export const MODEL_STAGES = ['registered', 'assessed', 'recognized', 'rejected', 'commended', 'proposed-upward'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/**
 * The forms of commendation a campaign gives, from the highest: Huân chương, Bằng khen, Cờ thi đua, Giấy khen, and
 * biểu dương (praise, without a certificate). Which body may award which is the emulation law's business, not danvan's.
 */
export const HONOUR_FORMS = ['huan-chuong', 'bang-khen', 'co-thi-dua', 'giay-khen', 'bieu-duong'] as const;
export type HonourForm = (typeof HONOUR_FORMS)[number];

export function isHonourForm(form: string): form is HonourForm {
  return (HONOUR_FORMS as readonly string[]).includes(form);
}

/** Who is commended: a model, a collective (tập thể) or an individual (cá nhân). */
export const HONOUR_RECIPIENTS = ['model', 'collective', 'individual'] as const;
export type HonourRecipient = (typeof HONOUR_RECIPIENTS)[number];
