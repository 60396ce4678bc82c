/**
 * Kafka topics of the event contract. Names carry the contract version: a breaking change gets a new topic
 * published side by side, never a changed meaning of an old one.
 */
export const TOPICS = {
  /** Every domain event of every campaign, keyed by campaign id so one campaign's events stay in order. */
  campaignEvents: 'danvan.campaign-events.v1',
  /** Reminders and escalations, for notification services (SMS, e-mail), keyed by campaign id. */
  reminders: 'danvan.reminders.v1',
  /** Events a consumer could not validate, with the reason, so consumption never stops on one bad record. */
  deadLetter: 'danvan.dead-letter.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
