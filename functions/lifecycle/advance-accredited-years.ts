import * as z from 'zod';
import { directoryEntryRequestId, offerDirectoryEntry } from '../accreditation/directory.js';
import { followReRegisteredContact } from '../accreditation/re-registration.js';
import type { RequestsRead } from '../data/store.js';
import {
  deadlineOf,
  nextReRegistration,
  type ReRegistrationYear,
  termlyReports,
} from '../domain/accredited-years.js';
import type { Cohort } from '../domain/cohort.js';
import type { Participant } from '../domain/participant.js';
import type { Accreditation, Programme } from '../domain/programme.js';
import { stepRequestId } from '../domain/request.js';
import { earliest, formatLondon } from '../domain/time.js';
import { awaitedDate, noAsks, type PendingAsks, waitingFor } from '../domain/waiting.js';
import {
  lapsedEmail,
  reRegisteredEmail,
  reRegistrationRequestEmail,
  termlyFeedbackRequestEmail,
} from '../email/accredited-years-emails.js';
import type { Ask, EmailMessage } from '../email/message.js';
import { adminAttentionEmail } from '../email/programme-emails.js';
import { programmeById } from '../programmes/index.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';
import { askByDeadline, lookAgainAt } from './asks.js';
import type { WaitingToRecord } from './await-change.js';
import { accreditedYearsExecution, ExecutionFacts, handsOverNow, waitSecondsUntil } from './execution.js';
import { asksHanded, LastLook, lookFurther } from './look.js';
import { notifyOnce } from './notify-once.js';
import { found } from './participant.js';
import { recordWaiting, waitingToRecord } from './record-waiting.js';

/**
 * What the accredited-years execution does next: wait (in the state named after what is open) until
 * something is due or someone answers, or end.
 */
export type AccreditedYearsProgress =
  | {
      next: 'wait';
      open: 're-registration' | 'termly-feedback' | 'nothing';
      waitSeconds: number;
      revision: number;
      /** Whom they now wait on, for the wait to record as it parks; null when the record already says so. */
      waiting: WaitingToRecord | null;
      /** The asks the next look may chase, for it to read with the record. */
      asksToRead: string[];
    }
  | { next: 'lapsed' | 'withdrawn' }
  | {
      next: 'continue-in-new-execution';
      executionName: string;
      cohortId: string;
      generation: number;
      series: string;
      asksToRead: string[];
    };

/** An accredited-years execution for someone with no accreditation on record: a bug or a bad start. */
export class NotAccredited extends Error {
  override name = 'NotAccredited';
}

interface Context {
  participant: Participant;
  programme: Programme;
  plan: Accreditation;
  accreditedAt: Date;
  now: Date;
  deps: Dependencies;
  wakeAt: Date[];
  /** The lead's asks still open after this look: whom they wait on. */
  asks: PendingAsks;
  /** The asks this look may chase, as it read them at once (undefined: none yet). */
  read: RequestsRead;
  /** Their cohort, once read (its Maths Hub indexes whom they wait on). */
  cohort?: Cohort | undefined;
}

/**
 * Moves an accredited lead's years on by whatever is due now, from the record alone: termly reach-and-
 * impact asks (and the admin told of a missed one), the yearly re-registration, and the lapse when a
 * re-registration's deadline passes. Every email and write is done once, so it can run any number of times.
 */
export async function advanceAccreditedYears(
  {
    participantId,
    execution,
    asksToRead = [],
  }: { participantId: string; execution: ExecutionFacts; asksToRead?: string[] | undefined },
  deps: Dependencies,
): Promise<AccreditedYearsProgress> {
  // The record, its cohort (its Maths Hub indexes whom they wait on) and the asks the last look foresaw,
  // read at once. An execution started before its input named the cohort reads that with any asks missed.
  const look = await deps.store.look({
    participantId,
    cohortId: execution.input.cohortId,
    requestIds: asksToRead,
  });
  const participant = found(look.participant, participantId);
  const programme = programmeById(participant.programmeId);
  if (!participant.accreditation || !programme.accreditation)
    throw new NotAccredited(`${participantId} has no accreditation on ${programme.id}`);
  const ctx: Context = {
    participant,
    programme,
    plan: programme.accreditation,
    accreditedAt: new Date(participant.accreditation.accreditedAt),
    now: deps.clock.now(),
    deps,
    wakeAt: [],
    asks: noAsks(),
    read: new Map(),
    cohort: look.cohort?.cohortId === participant.cohortId ? look.cohort : undefined,
  };
  if (participant.withdrawal) {
    await leaveDirectory(ctx);
    await recordWaiting(participant, waitingFor(participant, noAsks(), undefined, ctx.now), deps, ctx.cohort);
    return { next: 'withdrawn' };
  }
  if (participant.lapse) return lapse(ctx);
  const further = await lookFurther(
    look,
    { cohortId: participant.cohortId, requestIds: asksThisLook(ctx) },
    deps.store,
  );
  ctx.read = further.requests;
  ctx.cohort = further.cohort;
  const termlyOpen = await termlyFeedback(ctx);
  const reRegistration = await reRegister(ctx);
  if (reRegistration === 'lapsed') return lapse(ctx);
  const nextDue = earliest(ctx.wakeAt);
  if (handsOverNow(execution, ctx.now, nextDue)) {
    const { generation = 1, series = 'accredited' } = execution.input;
    const next = accreditedYearsExecution(participantId, generation + 1, series);
    await deps.store.participants.recordExecution(participantId, next);
    return {
      next: 'continue-in-new-execution',
      executionName: next.name,
      cohortId: participant.cohortId,
      generation: generation + 1,
      series,
      asksToRead: asksNextLook(nextDue ?? ctx.now, ctx),
    };
  }
  const waiting = waitingFor(participant, ctx.asks, awaitedDate('accredited', nextDue), ctx.now);
  return {
    next: 'wait',
    open: reRegistration === 'open' ? 're-registration' : termlyOpen ? 'termly-feedback' : 'nothing',
    waitSeconds: waitSecondsUntil(execution, ctx.now, nextDue),
    revision: participant.revision,
    waiting: await waitingToRecord(participant, waiting, deps, ctx.cohort),
    asksToRead: asksNextLook(nextDue ?? ctx.now, ctx),
  };
}

/** The lead's ask about a termly report or a year's re-registration. */
const askIdOf = (stepId: string, { participant }: Context) =>
  stepRequestId(stepId, participant.participantId);

/** The termly reports with nothing on the record yet, in order: each asked from its `asksAt`. */
const reportsToAsk = ({ participant, accreditedAt, plan }: Context) =>
  termlyReports(accreditedAt, plan.termlyFeedback).filter((report) => !participant.progress[report.id]);

/**
 * The asks a look may chase at `at` (this look: now), to read at once: the termly reports due and this
 * year's re-registration once asked for, and the directory entry offered with a re-registration not yet
 * confirmed.
 */
function asksThisLook(ctx: Context, at = ctx.now): string[] {
  const { participant } = ctx;
  const reports = reportsToAsk(ctx).filter((report) => at >= report.asksAt);
  const year = nextReRegistration(participant, ctx.accreditedAt, ctx.plan.reRegistration);
  return [
    ...reports.map((report) => askIdOf(report.id, ctx)),
    ...(at >= year.asksAt ? [askIdOf(year.id, ctx)] : []),
    ...(year.year > 1 && !participant.notified[reRegisteredKey(year)]
      ? [directoryEntryRequestId(participant.participantId, year.year - 1)]
      : []),
  ];
}

/**
 * The asks the next look may chase: those of a look when the next thing falls due, and, once this
 * year's re-registration is asked, the directory entry offered when it is answered.
 */
function asksNextLook(due: Date, ctx: Context): string[] {
  const year = nextReRegistration(ctx.participant, ctx.accreditedAt, ctx.plan.reRegistration);
  const reRegistering = due >= year.asksAt;
  return [
    ...asksThisLook(ctx, due),
    ...(reRegistering ? [directoryEntryRequestId(ctx.participant.participantId, year.year)] : []),
  ];
}

/** The termly reports due so far: asked, chased, and marked missed (the admin told) at their deadline. */
async function termlyFeedback(ctx: Context): Promise<boolean> {
  const { participant, plan, deps, now } = ctx;
  let open = false;
  for (const report of reportsToAsk(ctx)) {
    if (now < report.asksAt) {
      ctx.wakeAt.push(report.asksAt);
      break;
    }
    const deadline = deadlineOf(participant, report);
    const progress = await askLead(
      ctx,
      { kind: 'termly-feedback', stepId: report.id, deadline },
      plan.termlyFeedback.remindersDaysBefore,
      (ask, extended) => termlyFeedbackRequestEmail(participant, report, deadline, ask, extended),
    );
    if (progress.state === 'open') open = true;
    if (progress.state === 'expired') {
      // Missing a term does not lapse an accreditation; the programme team follows it up.
      await deps.store.participants.recordStepOutcome(participant.participantId, report.id, {
        outcome: 'missed',
        at: now.toISOString(),
      });
      await notifyOnce(
        participant,
        `missed#${report.id}`,
        () =>
          adminAttentionEmail(
            deps.settings.ADMIN_EMAIL,
            participant,
            `No termly feedback for the ${report.title}`,
            [
              `Their reach-and-impact report was due by ${formatLondon(deadline)} and did not arrive. Their accreditation continues; you may want to contact them.`,
            ],
          ),
        deps,
      );
    }
  }
  return open;
}

/** Asks the lead something by a deadline, with reminders, and looks again when the next is due. */
async function askLead(
  ctx: Context,
  { kind, stepId, deadline }: { kind: 'termly-feedback' | 're-registration'; stepId: string; deadline: Date },
  remindersDaysBefore: number[],
  email: (ask: Ask, extended: boolean) => EmailMessage,
) {
  const { participant, deps } = ctx;
  const { request, progress } = await askByDeadline(
    {
      requestId: askIdOf(stepId, ctx),
      kind,
      participantId: participant.participantId,
      stepId,
      recipient: participant.person,
    },
    deadline,
    remindersDaysBefore,
    (link, reminder, extended) => email({ link, reminder }, extended),
    deps,
    ctx.read,
  );
  ctx.wakeAt.push(...lookAgainAt(progress));
  // Past its deadline an ask is done with: a missed term is recorded, a missed re-registration lapses.
  if (progress.state === 'open') ctx.asks.open.push(request);
  return progress;
}

/** The note that the lead was told the re-registration before `year` went through. */
const reRegisteredKey = (year: ReRegistrationYear) => `re-registered#${year.year - 1}`;

/**
 * This year's re-registration: confirmed once answered, asked from `askDaysBefore` the anniversary and
 * chased to it; unanswered at the deadline, the accreditation lapses.
 */
async function reRegister(ctx: Context): Promise<'open' | 'not-yet' | 'lapsed'> {
  const { participant, programme, plan, deps, now } = ctx;
  // Normally done by the form already; here in case it stopped part-way.
  await followReRegisteredContact(participant, deps);
  const year = nextReRegistration(participant, ctx.accreditedAt, plan.reRegistration);
  const confirmed = reRegisteredKey(year);
  if (year.year > 1 && !participant.notified[confirmed]) {
    // With a fresh link to their directory entry for the year ahead (the last one lasted a year).
    const directoryEntry = await offerDirectoryEntry(participant, deps, year.year - 1, ctx.read);
    await notifyOnce(
      participant,
      confirmed,
      () => reRegisteredEmail(participant, programme, deadlineOf(participant, year), directoryEntry),
      deps,
    );
  }
  if (now < year.asksAt) {
    ctx.wakeAt.push(year.asksAt);
    return 'not-yet';
  }
  const deadline = deadlineOf(participant, year);
  const progress = await askLead(
    ctx,
    { kind: 're-registration', stepId: year.id, deadline },
    plan.reRegistration.remindersDaysBefore,
    (ask, extended) => reRegistrationRequestEmail(participant, programme, year, deadline, ask, extended),
  );
  return progress.state === 'expired' ? 'lapsed' : progress.state === 'open' ? 'open' : 'not-yet';
}

/** Off the directory first (what the public sees), then the record, then the emails: each once. */
async function lapse(ctx: Context): Promise<AccreditedYearsProgress> {
  const { participant, programme, plan, deps, now } = ctx;
  const year = nextReRegistration(participant, ctx.accreditedAt, plan.reRegistration);
  const due = deadlineOf(participant, year);
  await leaveDirectory(ctx);
  if (!participant.lapse)
    await deps.store.participants.change(participant.participantId, {
      lapse: {
        reason: `Not re-registered for year ${year.year} by ${formatLondon(due)}`,
        at: now.toISOString(),
      },
      stage: 'lapsed',
    });
  // Once per missed deadline: a reinstated lead who misses their new one hears again.
  await recordWaiting(
    participant,
    waitingFor(participant, noAsks(), undefined, now, 'lapsed'),
    deps,
    ctx.cohort,
  );
  const lapsed = `lapsed#${due.toISOString()}`;
  await notifyOnce(participant, lapsed, () => lapsedEmail(participant, programme, due), deps);
  await notifyOnce(
    participant,
    `${lapsed}#admin`,
    () =>
      adminAttentionEmail(deps.settings.ADMIN_EMAIL, participant, 'Accreditation lapsed', [
        `They did not re-register by ${formatLondon(due)}. Their directory entry has been removed.`,
      ]),
    deps,
  );
  return { next: 'lapsed' };
}

async function leaveDirectory({ participant, deps }: Context) {
  await deps.store.directory.remove(participant.participantId);
  if (participant.accreditation?.listedInDirectory)
    await deps.store.participants.setListedInDirectory(participant.participantId, false);
}

export const AdvanceAccreditedYears = defineTask({
  name: 'AdvanceAccreditedYears',
  input: z.object({
    participantId: z.string().min(1),
    execution: ExecutionFacts,
    /** The execution's state: the last look's decision, if this is not its first. */
    state: z.object({ accreditedYears: LastLook.optional() }).optional(),
  }),
  run: ({ state, ...input }, deps) =>
    advanceAccreditedYears(
      { ...input, asksToRead: asksHanded(state?.accreditedYears, input.execution) },
      deps,
    ),
});
export const handler = AdvanceAccreditedYears.handler(
  composedFor('AdvanceAccreditedYears', store, idempotency, mailer),
);
