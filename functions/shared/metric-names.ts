/**
 * The system's own CloudWatch metrics (Powertools, embedded metric format): their namespace and names,
 * defined once for the handlers that emit them and the dashboard that shows them
 * (infra/constructs/dashboard.ts). Each is emitted with the `service` dimension (the function's name).
 */
export const METRICS_NAMESPACE = 'PdAccreditation';

export const METRIC = {
  /** An email SES accepted (each once: Powertools idempotency). */
  emailSent: 'EmailSent',
  formViewed: 'FormViewed',
  /** A form posted, by the status of the page it got (FormAnswered200, FormAnswered422 …). */
  formAnswered: (status: number) => `FormAnswered${status}`,
  /** A form request that failed in the handler: the person saw "something went wrong". */
  formFailed: 'FormFailed',
  participantsNotMoving: 'ParticipantsNotMoving',
  /** Per cohort (dimension `cohortId`), each day: participants whose submission is past its deadline. */
  overdueSubmissions: 'OverdueSubmissions',
  milestonesPublished: 'MilestonesPublished',
} as const;

/** What a posted form's status says, as the dashboard graphs them. */
export const FORM_ANSWER_STATUSES = {
  recorded: 200,
  /** Refused with a message on the form (a required answer missing, a bad file …). */
  refused: 422,
  alreadyAnswered: 409,
  closed: 410,
  unknownLink: 404,
  tooLarge: 413,
} as const;
