import * as z from 'zod';
import { Cohort, DaySchedule, DeadlineSchedule } from '../domain/cohort.js';
import { OrganisationName, Person, SeniorLeader, Stage } from '../domain/participant.js';
import { Pathway } from '../domain/pathway.js';
import { LOCAL_DATE_TIME, LondonLocalTime } from '../domain/time.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { certificates } from '../shared/parts/certificates.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { uploads } from '../shared/parts/uploads.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';
import type { AnyExecution, NamedExecution } from '../shared/workflow.js';
import { changeDate, createCohort } from './cohort-commands.js';
import type { Woken } from './command.js';
import { AdminInputInvalid } from './command.js';
import { correctEmail } from './correct-email.js';
import { deferParticipant } from './defer-participant.js';
import { editCohort } from './edit-cohort.js';
import { enrolParticipant } from './enrol-participant.js';
import { erasePerson } from './erase-person.js';
import { exportPerson } from './export-person.js';
import { grantExtension } from './grant-extension.js';
import { inputIssuesOf } from './input-issues.js';
import { inviteFromWaitlist } from './invite-from-waitlist.js';
import { listCohorts } from './list-cohorts.js';
import { listParticipants } from './list-participants.js';
import { type ProgrammeReport, programmeReport } from './programme-report.js';
import { type LeadReach, reachReport } from './reach-report.js';
import { recordApplicationDecision } from './record-application-decision.js';
import { reinstateAccreditation } from './reinstate-accreditation.js';
import { resendLink } from './resend-link.js';
import { resumeParticipant } from './resume-participant.js';
import { type RetentionRun, runRetention } from './retention.js';
import { scheduleInterview } from './schedule-interview.js';
import { showParticipant } from './show-participant.js';
import { showSchedule } from './show-schedule.js';
import { type StatusRow, status } from './status.js';
import { waitlistAdd } from './waitlist-add.js';
import { type ListedEntry, waitlistList } from './waitlist-list.js';
import { withdrawParticipant } from './withdraw-participant.js';

export { AdminCommandRejected, AdminInputInvalid } from './command.js';

/**
 * What a programme admin can ask of the system. In AWS they invoke this function from the console or
 * `aws lambda invoke` or `npx pd-admin`; locally `npx pd-admin` posts the same JSON to the local system.
 */
export const AdminCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('create-cohort'), cohort: Cohort }),
  z.object({
    command: z.literal('enrol-participant'),
    cohortId: z.string().min(1),
    participant: Person,
    school: OrganisationName,
    seniorLeader: SeniorLeader,
  }),
  z.object({
    command: z.literal('grant-extension'),
    participantId: z.string().min(1),
    stepId: z.string().min(1),
    /** The new deadline, as a London time like 2027-03-12T17:00. */
    until: z.string().regex(LOCAL_DATE_TIME, 'a London time like 2027-03-12T17:00'),
  }),
  z.object({
    command: z.literal('change-date'),
    cohortId: z.string().min(1),
    stepId: z.string().min(1),
    /** A development day's new times and venue, or a submission's new deadline. */
    schedule: z.union([DaySchedule, DeadlineSchedule]),
  }),
  z.object({
    command: z.literal('withdraw-participant'),
    participantId: z.string().min(1),
    reason: z.string().trim().min(1).max(1000),
  }),
  z.object({
    command: z.literal('correct-email'),
    participantId: z.string().min(1),
    /** Whose address: the participant's own, or their senior leader's. */
    whose: z.enum(['participant', 'senior-leader']),
    email: Person.shape.email,
  }),
  z.object({
    command: z.literal('reinstate-accreditation'),
    participantId: z.string().min(1),
    reason: z.string().trim().min(1).max(1000),
    /** The new deadline for the missed re-registration, as a London time like 2028-03-01T17:00. */
    reRegisterBy: z.string().regex(LOCAL_DATE_TIME, 'a London time like 2028-03-01T17:00'),
  }),
  z.object({
    command: z.literal('reach-report'),
    cohortId: z.string().min(1),
  }),
  z.object({
    command: z.literal('status'),
    /** Any of these narrow it; with none, everyone the system waits for. */
    cohortId: z.string().min(1).optional(),
    mathsHub: z.string().min(1).optional(),
    stage: Stage.optional(),
  }),
  z.object({
    command: z.literal('programme-report'),
    /** Every cohort when absent. */
    cohortIds: z.array(z.string().min(1)).min(1).optional(),
  }),
  z.object({
    command: z.literal('resume-participant'),
    participantId: z.string().min(1),
  }),
  z.object({
    command: z.literal('defer-participant'),
    participantId: z.string().min(1),
    toCohortId: z.string().min(1),
    reason: z.string().trim().min(1).max(1000),
  }),
  /** UK GDPR access: one enrolment by participant id, or everything under an address (participant or senior leader). */
  aboutOnePerson('export-person'),
  /** UK GDPR erasure, by the same: one enrolment, or every part an address has (participant or senior leader). */
  aboutOnePerson('erase-person'),
  z.object({ command: z.literal('retention-run'), dryRun: z.boolean().default(true) }),
  z.object({
    command: z.literal('waitlist-add'),
    programmeId: z.string().min(1),
    pathway: Pathway,
    person: Person,
    school: OrganisationName,
    seniorLeader: SeniorLeader,
  }),
  z.object({ command: z.literal('waitlist-list'), programmeId: z.string().min(1), pathway: Pathway }),
  z.object({ command: z.literal('invite-from-waitlist'), cohortId: z.string().min(1) }),
  z.object({
    command: z.literal('schedule-interview'),
    applicationId: z.string().min(1),
    /** The interview's times and place, as London times like 2027-02-03T09:00. */
    starts: LondonLocalTime,
    ends: LondonLocalTime,
    venue: DaySchedule.shape.venue,
    /** The Maths Hub leads who observe the lesson. */
    observedBy: z.array(z.string().trim().min(1).max(100)).min(1).max(5),
  }),
  z.object({
    command: z.literal('record-application-decision'),
    applicationId: z.string().min(1),
    decision: z.enum(['accepted', 'declined']),
    /** The Maths Hub lead who decided. */
    decidedBy: z.string().trim().min(1).max(100),
    reason: z.string().trim().max(1000).optional(),
  }),
  z.object({ command: z.literal('list-cohorts') }),
  z.object({ command: z.literal('list-participants'), cohortId: z.string().min(1) }),
  z.object({ command: z.literal('show-participant'), participantId: z.string().min(1) }),
  z.object({ command: z.literal('resend-link'), participantId: z.string().min(1) }),
  z.object({
    command: z.literal('edit-cohort'),
    cohortId: z.string().min(1),
    /** By step id: a development day's new times and venue, or a submission's new deadline. */
    schedule: z.record(z.string(), z.union([DaySchedule, DeadlineSchedule])).optional(),
    cohortLead: Cohort.shape.cohortLead.optional(),
    /** Only say what would change, and whom it affects. */
    preview: z.boolean().default(false),
  }),
  z.object({ command: z.literal('show-schedule'), cohortId: z.string().min(1) }),
]);
export type AdminCommand = z.infer<typeof AdminCommand>;

/** A command about one person: by participant id (one enrolment) or by email address (every part they have). */
function aboutOnePerson<C extends string>(command: C) {
  return z
    .object({
      command: z.literal(command),
      participantId: z.string().min(1).optional(),
      email: z.email().optional(),
    })
    .refine(
      (c) => Boolean(c.participantId) !== Boolean(c.email),
      'Give a participantId or an email, not both',
    );
}

export type AdminResult =
  | { command: 'create-cohort'; cohortId: string; created: boolean }
  | ({ command: 'grant-extension'; participantId: string } & Woken)
  | { command: 'withdraw-participant'; participantId: string; alreadyWithdrawn: boolean }
  | { command: 'correct-email'; participantId: string; askedAgain: string[] }
  | { command: 'reinstate-accreditation'; participantId: string; executionArn: string }
  | { command: 'reach-report'; cohortId: string; leads: LeadReach[] }
  | { command: 'status'; asOf: string; rows: StatusRow[] }
  | ({ command: 'programme-report' } & ProgrammeReport)
  | ({ command: 'change-date'; cohortId: string } & Woken)
  | { command: 'defer-participant'; participantId: string; executionArn: string }
  | { command: 'export-person'; asParticipant: object[]; asSeniorLeader: object[] }
  /**
   * Each participant id erased now leads nowhere (its anonymous record, kept for reporting, has a new random
   * id); a senior leader is erased from the records of the participants they were asked to support.
   */
  | {
      command: 'erase-person';
      erased: { participantId: string; anonymousId: string }[];
      seniorLeaderErasedFrom: string[];
    }
  | ({ command: 'retention-run' } & RetentionRun)
  /** The execution that carries the participant on: already running, or started now. */
  | {
      command: 'resume-participant';
      participantId: string;
      execution: NamedExecution;
      alreadyRunning: boolean;
    }
  | { command: 'waitlist-add'; entryId: string; alreadyOnList: boolean }
  | { command: 'waitlist-list'; entries: ListedEntry[] }
  | { command: 'invite-from-waitlist'; cohortId: string; execution: AnyExecution; alreadyRunning: boolean }
  | { command: 'schedule-interview'; applicationId: string; sequence: number }
  | {
      command: 'record-application-decision';
      applicationId: string;
      decision: 'accepted' | 'declined';
      participantId?: string;
      alreadyDecided: boolean;
    }
  | {
      command: 'enrol-participant';
      participantId: string;
      executionArn: string;
      alreadyEnrolled: boolean;
    }
  | Awaited<ReturnType<typeof listCohorts>>
  | Awaited<ReturnType<typeof listParticipants>>
  | Awaited<ReturnType<typeof showParticipant>>
  | Awaited<ReturnType<typeof resendLink>>
  | Awaited<ReturnType<typeof editCohort>>
  | Awaited<ReturnType<typeof showSchedule>>;

export async function runAdminCommand(command: AdminCommand, deps: Dependencies): Promise<AdminResult> {
  switch (command.command) {
    case 'create-cohort':
      return createCohort(command.cohort, deps);
    case 'enrol-participant':
      return enrolParticipant(command, deps);
    case 'grant-extension':
      return grantExtension(command, deps);
    case 'change-date':
      return changeDate(command, deps);
    case 'withdraw-participant':
      return withdrawParticipant(command, deps);
    case 'correct-email':
      return correctEmail(command, deps);
    case 'reinstate-accreditation':
      return reinstateAccreditation(command, deps);
    case 'reach-report':
      return reachReport(command, deps);
    case 'status':
      return status(command, deps);
    case 'programme-report':
      return programmeReport(command, deps);
    case 'defer-participant':
      return deferParticipant(command, deps);
    case 'resume-participant':
      return resumeParticipant(command, deps);
    case 'export-person':
      return exportPerson(command, deps);
    case 'erase-person':
      return erasePerson(command, deps);
    case 'retention-run':
      return { command: 'retention-run', ...(await runRetention(command, deps)) };
    case 'waitlist-add':
      return waitlistAdd(command, deps);
    case 'waitlist-list':
      return waitlistList(command, deps);
    case 'invite-from-waitlist':
      return inviteFromWaitlist(command, deps);
    case 'schedule-interview':
      return scheduleInterview(command, deps);
    case 'record-application-decision':
      return recordApplicationDecision(command, deps);
    case 'list-cohorts':
      return listCohorts(deps);
    case 'list-participants':
      return listParticipants(command, deps);
    case 'show-participant':
      return showParticipant(command, deps);
    case 'resend-link':
      return resendLink(command, deps);
    case 'edit-cohort':
      return editCohort(command, deps);
    case 'show-schedule':
      return showSchedule(command, deps);
  }
}

/** The command, or `AdminInputInvalid` naming each wrong field and why (not zod's "Failed to parse schema"). */
export function parseAdminCommand(input: unknown): AdminCommand {
  const parsed = AdminCommand.safeParse(input);
  if (!parsed.success) throw new AdminInputInvalid(inputIssuesOf(parsed.error));
  return parsed.data;
}

export const Admin = defineTask({
  name: 'Admin',
  // Parsed by the command itself, so bad input is answered field by field.
  input: z.unknown(),
  run: (input, deps) => runAdminCommand(parseAdminCommand(input), deps),
});
export const handler = Admin.handler(
  composedFor('Admin', store, idempotency, mailer, workflow, uploads, certificates),
);
