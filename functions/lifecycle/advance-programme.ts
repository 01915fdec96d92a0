import addressparser from 'nodemailer/lib/addressparser';
import * as z from 'zod';
import { issueCertificate } from '../accreditation/certificate-store.js';
import { directoryEntryRequestId, offerDirectoryEntry } from '../accreditation/directory.js';
import type { RequestsRead } from '../data/store.js';
import type { Cohort } from '../domain/cohort.js';
import { newVerificationCode } from '../domain/directory.js';
import type { Participant, Stage } from '../domain/participant.js';
import type { Programme, ProgrammeStep, StepKind, StepOf } from '../domain/programme.js';
import {
  type DevelopmentDayTimes,
  dayTimes,
  deadlineFor,
  isAssessmentDecision,
  type Position,
  position,
} from '../domain/progress.js';
import { dueBy, lateRegisterRequestId, stepRequestId } from '../domain/request.js';
import { addDays, earliest, fivePmDaysAfter } from '../domain/time.js';
import { awaitedDate, noAsks, type PendingAsks, waitingFor } from '../domain/waiting.js';
import { type Ask, calendarInvite, type EmailMessage } from '../email/message.js';
import {
  accreditedEmail,
  adminAttentionEmail,
  assessmentOutcomeEmail,
  attendanceRequestEmail,
  cohortLeadAskEmail,
  cohortLeadOverdueEmail,
  dayCancelledEmail,
  feedbackEmail,
  joiningInstructionsEmail,
  programmeCompletedEmail,
  submissionRequestEmail,
} from '../email/programme-emails.js';
import { programmeById } from '../programmes/index.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { formsUrl } from '../shared/forms-url.js';
import { certificates } from '../shared/parts/certificates.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';
import { askByDeadline, askByDueDate, type Chase, lookAgainAt, notePending, reportOverdue } from './asks.js';
import type { WaitingToRecord } from './await-change.js';
import {
  accreditedYearsExecution,
  ExecutionFacts,
  handsOverNow,
  programmeExecution,
  waitSecondsUntil,
} from './execution.js';
import { asksHanded, LastLook, lookFurther } from './look.js';
import { notifyOnce } from './notify-once.js';
import { found, loadParticipant } from './participant.js';
import { recordWaiting, waitingToRecord } from './record-waiting.js';

/**
 * What the execution does next: wait (in the state named after the step's kind) until something is due
 * or someone answers, or end in the state named by `next`. `revision` is the participant record's
 * revision this decision was made on; the wait starts only if nothing has changed since.
 */
export type ProgrammeProgress =
  | {
      next: 'wait';
      kind: StepKind;
      stepId: string;
      waitSeconds: number;
      revision: number;
      /** Whom they now wait on, for the wait to record as it parks; null when the record already says so. */
      waiting: WaitingToRecord | null;
      /** The asks the next look may chase, for it to read with the record. */
      asksToRead: string[];
    }
  | { next: 'not-accredited' | 'completed' | 'withdrawn' | 'deferred' }
  /** Accredited: the execution starts the lead's accredited years under this name (idempotent), for their cohort. */
  | { next: 'accredited'; accreditedYears: { executionName: string; cohortId: string } }
  | {
      next: 'continue-in-new-execution';
      executionName: string;
      cohortId: string;
      generation: number;
      asksToRead: string[];
    };

interface Context {
  participant: Participant;
  cohort: Cohort;
  programme: Programme;
  now: Date;
  deps: Dependencies;
  /** Instants something falls due; the execution waits until the earliest. */
  wakeAt: Date[];
  /** The asks chased on this look that are still unanswered: whom the participant waits on. */
  asks: PendingAsks;
  /** The asks this look may chase, as it read them at once (undefined: none yet). */
  read: RequestsRead;
}

/**
 * Moves a participant's programme on by whatever is due now, from the record alone: joining
 * instructions, asks and reminders, outcome emails, accreditation. Every email and write is done once,
 * so it can run any number of times (restarts, retries, early wake-ups).
 */
export async function advanceProgramme(
  {
    participantId,
    execution,
    asksToRead = [],
  }: { participantId: string; execution: ExecutionFacts; asksToRead?: string[] | undefined },
  deps: Dependencies,
): Promise<ProgrammeProgress> {
  // The record, the cohort the execution runs for and the asks the last look foresaw, read at once (an
  // execution started before its input named the cohort reads it after: the participant's own).
  const { cohortId: startedFor, generation = 1 } = execution.input;
  const look = await deps.store.look({ participantId, cohortId: startedFor, requestIds: asksToRead });
  const participant = found(look.participant, participantId);
  const cohortId = startedFor ?? participant.cohortId;
  const cohort = startedFor ? look.cohort : await deps.store.cohorts.get(cohortId);
  if (!cohort) throw new Error(`No cohort ${cohortId}`);
  const ctx: Context = {
    participant,
    cohort,
    programme: programmeById(participant.programmeId),
    now: deps.clock.now(),
    deps,
    wakeAt: [],
    asks: noAsks(),
    read: new Map(),
  };
  // Withdrawn, or deferred (they now belong to a later cohort, whose own execution carries on): their
  // diary entries for this cohort's days to come are cancelled, and nothing more is sent.
  const leaving = participant.withdrawal
    ? 'withdrawn'
    : cohortId !== participant.cohortId
      ? 'deferred'
      : undefined;
  if (leaving) {
    await cancelInvites(ctx);
    // A deferred participant's wait is their new cohort's execution's to record.
    if (leaving === 'withdrawn')
      await recordWaiting(participant, waitingFor(participant, noAsks(), undefined, ctx.now), deps);
    return { next: leaving };
  }
  const stage: Stage =
    participant.stage === 'ready-for-development-days' ? 'in-programme' : participant.stage;
  if (stage !== participant.stage) await deps.store.participants.setStage(participantId, stage);

  const where = position(ctx.programme, participant);
  ctx.read = (await lookFurther(look, { requestIds: asksThisLook(where, ctx) }, deps.store)).requests;
  // Development days happen on the cohort's dates whatever else the participant is doing.
  for (const step of ctx.programme.steps)
    if (step.kind === 'development-day' && !participant.progress[step.id]) await developmentDay(step, ctx);
  await announceOutcomes(ctx);

  if ('finished' in where) return finish(where.finished, ctx);
  const { at: step, attempt } = where;
  if (step.kind === 'task' || step.kind === 'framework-submission') await submission(step, attempt, ctx);
  if (step.kind === 'formative-feedback') await feedbackOrAssessment(step, undefined, ctx);
  if (step.kind === 'assessment') await feedbackOrAssessment(step, attempt, ctx);

  const nextDue = earliest(ctx.wakeAt);
  if (handsOverNow(execution, ctx.now, nextDue)) {
    const next = programmeExecution(participantId, cohortId, generation + 1);
    await deps.store.participants.recordExecution(participantId, next);
    return {
      next: 'continue-in-new-execution',
      executionName: next.name,
      cohortId,
      generation: generation + 1,
      asksToRead: asksNextLook(where, nextDue ?? ctx.now, ctx),
    };
  }
  const waiting = waitingFor(participant, ctx.asks, awaitedDate(step.id, nextDue), ctx.now, stage);
  return {
    next: 'wait',
    kind: step.kind,
    stepId: step.id,
    waitSeconds: waitSecondsUntil(execution, ctx.now, nextDue),
    revision: participant.revision,
    waiting: await waitingToRecord(participant, waiting, deps, cohort),
    asksToRead: asksNextLook(where, nextDue ?? ctx.now, ctx),
  };
}

/** The ask a step makes: about a day, of the cohort lead for the whole cohort; otherwise about this participant. */
const askIdOf = (step: ProgrammeStep, attempt: number | undefined, { cohort, participant }: Context) =>
  step.kind === 'development-day'
    ? stepRequestId(step.id, cohort.cohortId)
    : stepRequestId(step.id, participant.participantId, attempt);

/** The ask of a step other than a day, on the attempt they are at (feedback is asked once, whatever the attempt). */
const stepAskId = (step: ProgrammeStep, attempt: number, ctx: Context) =>
  askIdOf(step, step.kind === 'formative-feedback' ? undefined : attempt, ctx);

/** The directory entry offered with accreditation: the request behind its link. */
const directoryEntryAskId = ({ participant }: Context) => directoryEntryRequestId(participant.participantId);

/**
 * The asks a look may chase at `at` (this look: now), to read at once: the registers of days ended by
 * then with no outcome for the participant, and the ask of the step they are at, or the directory entry
 * offered once accredited. (A late register is read when it is needed.)
 */
function asksThisLook(where: Position, ctx: Context, at = ctx.now): string[] {
  const { programme, participant, cohort } = ctx;
  const registers = programme.steps.filter(
    (step) =>
      step.kind === 'development-day' && !participant.progress[step.id] && at >= dayTimes(step, cohort).ends,
  );
  const asks = registers.map((step) => askIdOf(step, undefined, ctx));
  if ('at' in where && where.at.kind !== 'development-day')
    asks.push(stepAskId(where.at, where.attempt, ctx));
  if ('finished' in where && where.finished === 'accredited' && !participant.notified.accredited)
    asks.push(directoryEntryAskId(ctx));
  return asks;
}

/**
 * The asks the next look may chase: those of a look when the next thing falls due, and what an answer
 * moves them on to: the ask of the next step, or after the last the directory entry offered with
 * accreditation. (Reading one not made yet costs nothing more: it comes in the same call.)
 */
function asksNextLook(where: { at: ProgrammeStep; attempt: number }, due: Date, ctx: Context) {
  const { steps } = ctx.programme;
  const after = steps.slice(steps.indexOf(where.at) + 1).find((step) => step.kind !== 'development-day');
  const onwards = after ? stepAskId(after, where.attempt, ctx) : directoryEntryAskId(ctx);
  return [...asksThisLook(where, ctx, due), onwards];
}

const once = (
  ctx: Context,
  key: string,
  email: () => EmailMessage | undefined | Promise<EmailMessage | undefined>,
) => notifyOnce(ctx.participant, key, email, ctx.deps);

/** Notes on the participant about one of this cohort's days (a deferred participant meets day 1 again). */
const dayKey = (what: 'joining' | 'cancelled' | 'absent', step: StepOf<'development-day'>, ctx: Context) =>
  `${what}#${ctx.cohort.cohortId}#${step.id}#`;

/** The joining instructions this participant was sent for this cohort's day: one note per version of it. */
const invitesHeld = (step: StepOf<'development-day'>, ctx: Context) =>
  Object.keys(ctx.participant.notified).filter((key) => key.startsWith(dayKey('joining', step, ctx)));

/** The calendar entry for one person at one day: the same UID for its invite, updates and cancellation. */
function dayInvite(
  step: StepOf<'development-day'>,
  times: DevelopmentDayTimes,
  method: 'REQUEST' | 'CANCEL',
  sequence: number,
  { participant, cohort, programme, deps, now }: Context,
) {
  return calendarInvite({
    method,
    uid: `${step.id}.${cohort.cohortId}.${participant.participantId}@pd-accreditation`,
    sequence,
    title: `${step.title} (${programme.name})`,
    starts: times.starts,
    ends: times.ends,
    location: times.venue,
    organizer: { name: cohort.mathsHub, email: senderAddress(deps.settings.EMAIL_FROM) },
    attendee: participant.person,
    now,
  });
}

/** Cancels the calendar entries of invited days still to come. */
async function cancelInvites(ctx: Context) {
  const { participant, programme, cohort, now } = ctx;
  for (const step of programme.steps) {
    if (step.kind !== 'development-day') continue;
    const times = dayTimes(step, cohort);
    if (invitesHeld(step, ctx).length === 0 || now >= times.ends) continue;
    await once(ctx, dayKey('cancelled', step, ctx), async () =>
      dayCancelledEmail(
        participant,
        step,
        times,
        await dayInvite(step, times, 'CANCEL', times.sequence + 1, ctx),
      ),
    );
  }
}

async function developmentDay(step: StepOf<'development-day'>, ctx: Context) {
  const { participant, cohort, programme, now, deps } = ctx;
  const times = dayTimes(step, cohort);
  const joiningAt = addDays(times.starts, -programme.joiningInstructionsDaysBefore);
  // Someone already holding an invite gets a changed day's update at once, not when joining is due.
  const held = invitesHeld(step, ctx);
  if (now < joiningAt && held.length === 0) {
    ctx.wakeAt.push(joiningAt);
    return;
  }
  if (now < times.ends) {
    // "Changed" only for someone holding an earlier version; a first invite is new, whenever it goes out.
    // Its SEQUENCE is the day's own, which only grows, so it is always above any version they hold.
    const changed = held.some((key) => key !== `${dayKey('joining', step, ctx)}${times.sequence}`);
    await once(ctx, `${dayKey('joining', step, ctx)}${times.sequence}`, async () =>
      joiningInstructionsEmail(
        participant,
        step,
        times,
        await dayInvite(step, times, 'REQUEST', times.sequence, ctx),
        changed,
      ),
    );
    ctx.wakeAt.push(times.ends);
    return;
  }
  const { attendanceDueDaysAfterDay } = programme.cohortLeadAsks;
  const lead = cohort.cohortLead;
  const register = await askCohortLead(
    {
      requestId: askIdOf(step, undefined, ctx),
      kind: 'attendance',
      cohortId: cohort.cohortId,
      stepId: step.id,
      recipient: lead,
    },
    fivePmDaysAfter(times.ends, attendanceDueDaysAfterDay),
    (ask, due) => attendanceRequestEmail(cohort, step, ask, due),
    `the attendance register for ${step.title} (${cohort.name})`,
    ctx,
  );
  if (register.state !== 'answered') return;
  // Outcomes go on the record before a register is closed: with none on the record as it is now, they
  // were not on it (their senior leader signed, or they were enrolled, after it was answered). The cohort
  // lead is asked about them on a register of their own; an absence then reaches the admin as any does.
  const latest = await loadParticipant(deps.store, participant.participantId);
  if (latest.progress[step.id]) return;
  await askCohortLead(
    {
      requestId: lateRegisterRequestId(step.id, cohort.cohortId, participant.participantId),
      kind: 'attendance',
      cohortId: cohort.cohortId,
      participantId: participant.participantId,
      stepId: step.id,
      recipient: lead,
    },
    fivePmDaysAfter(now, attendanceDueDaysAfterDay),
    (ask, due) => attendanceRequestEmail(cohort, step, ask, due, participant),
    `the attendance of ${participant.person.name} at ${step.title} (${cohort.name})`,
    ctx,
  );
}

/** The bare address of a sender like `"PD Lead accreditation" <no-reply@…>`, as calendars need it. */
export function senderAddress(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  return first?.address || from;
}

/**
 * An ask of the cohort lead: due by `due`, reminded before it, and past it the admin is told once while
 * the ask stays open. `what` names it for the admin.
 */
async function askCohortLead(
  subject: Parameters<typeof askByDueDate>[0],
  due: Date,
  email: (ask: Ask, due: Date) => EmailMessage,
  what: string,
  ctx: Context,
): Promise<Chase> {
  const { cohort, programme, deps } = ctx;
  const asked = await askByDueDate(
    subject,
    due,
    programme.cohortLeadAsks.remindersDaysBefore,
    (link, reminder, dueBy) => email({ link, reminder }, dueBy),
    deps,
    ctx.read,
  );
  const { request, progress } = asked;
  ctx.wakeAt.push(...lookAgainAt(progress));
  notePending(ctx.asks, asked);
  if (progress.state === 'open')
    await reportOverdue(
      request,
      () => cohortLeadOverdueEmail(deps.settings.ADMIN_EMAIL, cohort, what, dueBy(request)),
      deps,
    );
  return progress;
}

/** A task or the framework: brief and link, reminders before the deadline, the admin told if it passes. */
async function submission(
  step: StepOf<'task'> | StepOf<'framework-submission'>,
  attempt: number,
  ctx: Context,
) {
  const { participant, cohort, programme, deps } = ctx;
  const deadline = deadlineFor(step, cohort, participant, programme);
  const asked = await askByDeadline(
    {
      requestId: askIdOf(step, attempt, ctx),
      kind: 'submission',
      participantId: participant.participantId,
      stepId: step.id,
      attempt,
      recipient: participant.person,
    },
    deadline,
    programme.submissionRemindersDaysBefore,
    (link, reminder, extended) =>
      submissionRequestEmail(participant, step, deadline, { link, reminder }, { attempt, extended }),
    deps,
    ctx.read,
  );
  const { progress } = asked;
  ctx.wakeAt.push(...lookAgainAt(progress));
  notePending(ctx.asks, asked);
  if (progress.state === 'expired') {
    await once(ctx, `late#${step.id}#${attempt}#${deadline.toISOString()}`, () =>
      adminAttentionEmail(deps.settings.ADMIN_EMAIL, participant, `Missed deadline for ${step.title}`, [
        `Nothing was submitted by the deadline. Grant an extension (admin command grant-extension, step "${step.id}") and they get a new link at once, or withdraw them.`,
      ]),
    );
  }
}

/** Feedback and assessment: asks of the cohort lead about this participant's work, per attempt. */
async function feedbackOrAssessment(
  step: StepOf<'formative-feedback'> | StepOf<'assessment'>,
  attempt: number | undefined,
  ctx: Context,
) {
  const { participant, cohort, programme, now } = ctx;
  const assessing = step.kind === 'assessment';
  const { feedbackDueDaysAfterSubmission, assessmentDueDaysAfterSubmission } = programme.cohortLeadAsks;
  // Due so long after what it is about was submitted (for this attempt, as the record now says).
  const submitted = participant.progress[assessing ? step.of : step.on];
  const submittedAt = submitted?.outcome === 'submitted' ? new Date(submitted.submittedAt) : now;
  const who = participant.person.name;
  await askCohortLead(
    {
      requestId: askIdOf(step, attempt, ctx),
      kind: assessing ? 'assessment' : 'feedback',
      participantId: participant.participantId,
      stepId: step.id,
      ...(attempt ? { attempt } : {}),
      recipient: cohort.cohortLead,
    },
    fivePmDaysAfter(
      submittedAt,
      assessing ? assessmentDueDaysAfterSubmission : feedbackDueDaysAfterSubmission,
    ),
    (ask, due) => cohortLeadAskEmail(cohort, participant, step, ask, due),
    assessing ? `the assessment of ${who}'s submission` : `feedback to ${who} on ${step.title}`,
    ctx,
  );
}

/** Outcomes somebody must hear about: an absence (the admin), feedback and assessment decisions (the participant). */
async function announceOutcomes(ctx: Context) {
  const { participant, programme, deps } = ctx;
  for (const step of programme.steps) {
    const outcome = participant.progress[step.id];
    if (step.kind === 'development-day' && outcome?.outcome === 'absent')
      await once(ctx, dayKey('absent', step, ctx), () =>
        adminAttentionEmail(deps.settings.ADMIN_EMAIL, participant, `Absent from ${step.title}`, [
          'Their cohort lead recorded them as absent. You can defer them to a later cohort (admin command defer-participant); what they have completed is kept.',
        ]),
      );
    if (step.kind === 'formative-feedback' && outcome?.outcome === 'feedback-given')
      await once(ctx, `feedback#${step.id}`, () => feedbackEmail(participant, step, outcome.feedback));
    if (step.kind === 'assessment' && isAssessmentDecision(outcome) && outcome.outcome !== 'accredited')
      await once(ctx, `assessment#${outcome.attempt}`, () =>
        assessmentOutcomeEmail(participant, programme, outcome),
      );
  }
}

/** The end of the programme: accreditation (certificate, directory, badge, community), or its other outcomes. */
async function finish(
  outcome: 'accredited' | 'not-accredited' | 'completed',
  ctx: Context,
): Promise<ProgrammeProgress> {
  const { participant, programme, now, deps } = ctx;
  const { participantId } = participant;
  if (outcome === 'accredited') {
    const accreditation = await accreditOnce(participant, now, deps);
    const { verificationCode } = accreditation;
    // Findable by its code, and the PDF kept as issued, before the email that links to it goes out.
    await deps.store.certificates.record(verificationCode, participantId);
    await issueCertificate(participant, programme, accreditation, deps);
    // A fresh link each time it is offered: only mint one when the email is still to be sent.
    const directoryEntry = participant.notified.accredited
      ? ''
      : await offerDirectoryEntry(participant, deps, 0, ctx.read);
    await once(ctx, 'accredited', () =>
      accreditedEmail(participant, programme, {
        certificate: formsUrl(deps.settings, `certificates/${verificationCode}`),
        directory: formsUrl(deps.settings, 'directory'),
        directoryEntry,
      }),
    );
  }
  if (outcome === 'completed')
    await once(ctx, 'completed', () => programmeCompletedEmail(participant, programme));
  if (outcome === 'accredited') {
    // Accredited, and the accredited years named to carry them on, in one write. Their wait is the
    // accredited years' to record.
    const accreditedYears = accreditedYearsExecution(participantId, 1);
    await deps.store.participants.recordExecution(participantId, accreditedYears, outcome);
    return {
      next: outcome,
      accreditedYears: { executionName: accreditedYears.name, cohortId: participant.cohortId },
    };
  }
  if (participant.stage !== outcome) await deps.store.participants.setStage(participantId, outcome);
  // Nothing more is awaited.
  await recordWaiting(
    participant,
    waitingFor(participant, noAsks(), undefined, now, outcome),
    deps,
    ctx.cohort,
  );
  return { next: outcome };
}

/**
 * The accreditation as first recorded: a rerun, or a run racing this one, keeps the first date and the
 * first (random) verification code, whichever run drew it.
 */
async function accreditOnce(participant: Participant, now: Date, { store }: Dependencies) {
  if (participant.accreditation) return participant.accreditation;
  const drawn = {
    verificationCode: newVerificationCode(),
    accreditedAt: now.toISOString(),
    listedInDirectory: false,
  };
  if (await store.participants.recordAccreditation(participant.participantId, drawn)) return drawn;
  const recorded = (await store.participants.get(participant.participantId))?.accreditation;
  if (!recorded) throw new Error(`${participant.participantId} could not be accredited`);
  return recorded;
}

export const AdvanceProgramme = defineTask({
  name: 'AdvanceProgramme',
  input: z.object({
    participantId: z.string().min(1),
    execution: ExecutionFacts,
    /** The execution's state: the last look's decision, if this is not its first. */
    state: z.object({ programme: LastLook.optional() }).optional(),
  }),
  run: ({ state, ...input }, deps) =>
    advanceProgramme({ ...input, asksToRead: asksHanded(state?.programme, input.execution) }, deps),
});
export const handler = AdvanceProgramme.handler(
  composedFor('AdvanceProgramme', store, idempotency, mailer, certificates),
);
