import { createHash } from 'node:crypto';
import * as z from 'zod';
import { Pathway } from './pathway.js';
import { publicText } from './public-text.js';

/** Typed text from people: trimmed, bounded, and never allowed to smuggle markup into our pages or emails. */
export const PersonName = publicText(
  z
    .string({ error: 'Enter a name' })
    .trim()
    .min(1, 'Enter a name')
    .max(100, 'Name must be 100 characters or fewer')
    .regex(/^[^<>]*$/, 'Name must not contain < or >'),
  // A name goes on certificates, calendar invites and email headers.
  'Name',
);

/** A school or other organisation, as printed in the directory and emails. */
export const OrganisationName = publicText(z.string().trim().min(1).max(200), 'Organisation');

export const Person = z.object({
  name: PersonName,
  email: z.email('Enter an email address like name@school.org.uk').max(254),
});
export type Person = z.infer<typeof Person>;

export const SeniorLeader = Person.extend({
  /** Head teacher, principal, CEO … as given by the admin; the signer confirms their own role on the form. */
  role: z.string().trim().max(100).optional(),
});
export type SeniorLeader = z.infer<typeof SeniorLeader>;

export const Stage = z.enum([
  'awaiting-commitment',
  'commitment-declined',
  'commitment-expired',
  'ready-for-development-days',
  'in-programme',
  'accredited',
  'not-accredited',
  'completed',
  'withdrawn',
  'lapsed',
]);
export type Stage = z.infer<typeof Stage>;

/** Stages a lifecycle ends in: nothing more happens for the participant on this programme. */
export const FINAL_STAGES: ReadonlySet<Stage> = new Set<Stage>([
  'commitment-declined',
  'commitment-expired',
  'accredited',
  'not-accredited',
  'completed',
  'withdrawn',
  'lapsed',
]);

export const CommitmentDecision = z.enum(['signed', 'declined']);
export type CommitmentDecision = z.infer<typeof CommitmentDecision>;

/** What a senior leader answered, with enough evidence to stand up later. */
export const Commitment = z.object({
  decision: CommitmentDecision,
  signedBy: PersonName,
  role: z.string(),
  reason: z.string().optional(),
  answeredAt: z.iso.datetime(),
  textVersion: z.string(),
  ipAddress: z.string(),
  userAgent: z.string(),
});
export type Commitment = z.infer<typeof Commitment>;

/** What happened at one step of the programme, recorded on the participant as it happens. */
export const Attendance = z.object({
  outcome: z.enum(['attended', 'absent']),
  recordedAt: z.iso.datetime(),
  recordedBy: z.string(),
});
/** A file the participant uploaded with a submission, as checked on the server when they sent it. */
export const Attachment = z.object({
  /** Where it is in the uploads bucket. */
  key: z.string(),
  /** The file's name on their computer. */
  name: z.string(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type Attachment = z.infer<typeof Attachment>;
export const Submission = z.object({
  outcome: z.literal('submitted'),
  /** 1 for the first submission; a resubmission asked for by the assessor is 2. */
  attempt: z.number().int().positive(),
  submittedAt: z.iso.datetime(),
  answers: z.record(z.string(), z.string()),
  /** Files uploaded with it (optional; none before attachments existed). */
  attachments: z.array(Attachment).optional(),
});
export const FormativeFeedback = z.object({
  outcome: z.literal('feedback-given'),
  givenAt: z.iso.datetime(),
  givenBy: z.string(),
  feedback: z.string(),
});
export const AssessmentDecision = z.object({
  outcome: z.enum(['accredited', 'resubmit', 'not-accredited']),
  attempt: z.number().int().positive(),
  decidedAt: z.iso.datetime(),
  decidedBy: z.string(),
  /** For the participant: what to improve (resubmit) or why (not accredited). */
  feedback: z.string().optional(),
  /** A resubmission's deadline, as a London time. */
  resubmitBy: z.string().optional(),
});
export type AssessmentDecision = z.infer<typeof AssessmentDecision>;
/** An accredited lead's report on a term: how many they reached, and what they did and saw. */
export const TermlyReport = z.object({
  outcome: z.literal('reported'),
  reportedAt: z.iso.datetime(),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  answers: z.record(z.string(), z.string()),
});
/** A year's re-registration: contact details as they are now, the year's reach, and the commitment. */
export const ReRegistration = z.object({
  outcome: z.literal('re-registered'),
  reRegisteredAt: z.iso.datetime(),
  contact: z.object({ name: z.string(), email: z.string(), organisation: z.string() }),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  /** The pledges agreed to, word for word. */
  pledges: z.array(z.string()),
});
/** An ask of an accredited lead that reached its deadline unanswered (the admin was told). */
export const Missed = z.object({ outcome: z.literal('missed'), at: z.iso.datetime() });
export const StepOutcome = z.union([
  Attendance,
  Submission,
  FormativeFeedback,
  AssessmentDecision,
  TermlyReport,
  ReRegistration,
  Missed,
]);
export type StepOutcome = z.infer<typeof StepOutcome>;

export const Lapse = z.object({ reason: z.string(), at: z.iso.datetime() });

/** Who moves a participant on next: a person asked something, the admin, a date in the plan, or nobody. */
export const WaitingOn = z.enum(['participant', 'senior-leader', 'cohort-lead', 'admin', 'date', 'nobody']);
export type WaitingOn = z.infer<typeof WaitingOn>;

/**
 * Who the lifecycle waits on, as its last look decided (functions/domain/waiting.ts), for the programme
 * team's status, report and weekly digest. Ids, step ids and dates only.
 */
export const Waiting = z.object({
  on: WaitingOn,
  /** The record's stage when it was decided: the status index's partition. */
  stage: Stage,
  /** What for: the step or ask (`commitment`, `day-1`, `interim-task`, `termly-spring-2028` …). */
  what: z.string(),
  since: z.iso.datetime(),
  /** When the awaited answer is due (past it, overdue) or the awaited date comes. */
  nextDeadline: z.iso.datetime().optional(),
});
export type Waiting = z.infer<typeof Waiting>;

export const Participant = z.object({
  participantId: z.string(),
  person: Person,
  school: z.string(),
  seniorLeader: SeniorLeader,
  programmeId: z.string(),
  pathway: Pathway,
  cohortId: z.string(),
  /**
   * The Maths Hub running their cohort, copied from it at enrolment and on a move to another cohort (a
   * cohort's hub is given when it is created and never edited), so each change to the record says where it
   * happened without the cohort being read. Absent only on records enrolled before it was kept.
   */
  mathsHub: z.string().min(1).optional(),
  stage: Stage,
  enrolledAt: z.iso.datetime(),
  commitment: Commitment.optional(),
  /** Outcome emails already sent, by outcome, so a restarted execution never sends them again. */
  notified: z.record(z.string(), z.iso.datetime()).default({}),
  /** By step id, what the participant (or their cohort lead) has done: the lifecycle skips whatever is here. */
  progress: z.record(z.string(), StepOutcome).default({}),
  /** Extensions granted by the admin, by step id, as London times; they override the cohort's deadline. */
  deadlines: z.record(z.string(), z.string()).default({}),
  /** Bumped by every change a waiting execution must react to (an answer, an extension, a moved date). */
  revision: z.number().int().nonnegative().default(0),
  /**
   * The execution that carries this participant on now, by state machine and name: whatever starts one
   * records it first, so a reconciler can look it up (DescribeExecution) and a resume can replace it.
   */
  execution: z
    .object({
      workflow: z.enum(['ParticipantLifecycle', 'AccreditedYears']),
      name: z.string().min(1).max(80),
    })
    .optional(),
  /** The running wait's task token: only ever in this table, never in a link. */
  waitToken: z.string().optional(),
  withdrawal: z.object({ reason: z.string(), at: z.iso.datetime() }).optional(),
  /** Earlier cohorts of a deferred participant: what they completed there stays in `progress`. */
  deferrals: z
    .array(z.object({ fromCohortId: z.string(), reason: z.string(), at: z.iso.datetime() }))
    .default([]),
  accreditation: z
    .object({ verificationCode: z.string(), accreditedAt: z.iso.datetime(), listedInDirectory: z.boolean() })
    .optional(),
  /** Not re-registered in time: off the directory, and nothing more is asked. */
  lapse: Lapse.optional(),
  /** Lapses the programme team undid, with why and when. */
  reinstatements: z.array(z.object({ reason: z.string(), at: z.iso.datetime(), lapse: Lapse })).default([]),
  /**
   * Their personal data is being erased (UK GDPR), or was: on the record being erased, the id of the
   * anonymous record that keeps its counts and outcomes; on that anonymous record, only when.
   */
  erasure: z.object({ at: z.iso.datetime(), anonymousId: z.string().optional() }).optional(),
  /** Who the lifecycle waits on now; written by its steps whenever that changes. */
  waiting: Waiting.optional(),
});
export type Participant = z.infer<typeof Participant>;

/**
 * One participant per person per cohort: the id is derived from both, so enrolling twice
 * (a double click, a retried call) lands on the same record and the same execution.
 */
export function participantIdFor(cohortId: string, email: string): string {
  const digest = createHash('sha256')
    .update(`${cohortId}\n${email.trim().toLowerCase()}`)
    .digest('base64url');
  return `p-${digest
    .slice(0, 22)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
}
