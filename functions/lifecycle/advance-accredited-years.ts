import * as z from 'zod';
import { offerDirectoryEntry } from '../accreditation/directory.js';
import { followReRegisteredContact } from '../accreditation/re-registration.js';
import { deadlineOf, nextReRegistration, termlyReports } from '../domain/accredited-years.js';
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
import { notifyOnce } from './notify-once.js';
import { loadParticipant } from './participant.js';
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
    }
  | { next: 'lapsed' | 'withdrawn' }
  | { next: 'continue-in-new-execution'; executionName: string; generation: number; series: string };

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
}

/**
 * Moves an accredited lead's years on by whatever is due now, from the record alone: termly reach-and-
 * impact asks (and the admin told of a missed one), the yearly re-registration, and the lapse when a
 * re-registration's deadline passes. Every email and write is done once, so it can run any number of times.
 */
export async function advanceAccreditedYears(
  { participantId, execution }: { participantId: string; execution: ExecutionFacts },
  deps: Dependencies,
): Promise<AccreditedYearsProgress> {
  const participant = await loadParticipant(deps.store, participantId);
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
  };
  if (participant.withdrawal) {
    await leaveDirectory(ctx);
    await recordWaiting(participant, waitingFor(participant, noAsks(), undefined, ctx.now), deps);
    return { next: 'withdrawn' };
  }
  if (participant.lapse) return lapse(ctx);
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
      generation: generation + 1,
      series,
    };
  }
  const waiting = waitingFor(participant, ctx.asks, awaitedDate('accredited', nextDue), ctx.now);
  return {
    next: 'wait',
    open: reRegistration === 'open' ? 're-registration' : termlyOpen ? 'termly-feedback' : 'nothing',
    waitSeconds: waitSecondsUntil(execution, ctx.now, nextDue),
    revision: participant.revision,
    waiting: await waitingToRecord(participant, waiting, deps),
  };
}

/** The termly reports due so far: asked, chased, and marked missed (the admin told) at their deadline. */
async function termlyFeedback(ctx: Context): Promise<boolean> {
  const { participant, plan, deps, now } = ctx;
  let open = false;
  for (const report of termlyReports(ctx.accreditedAt, plan.termlyFeedback)) {
    if (participant.progress[report.id]) continue;
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
      requestId: stepRequestId(stepId, participant.participantId),
      kind,
      participantId: participant.participantId,
      stepId,
      recipient: participant.person,
    },
    deadline,
    remindersDaysBefore,
    (link, reminder, extended) => email({ link, reminder }, extended),
    deps,
  );
  ctx.wakeAt.push(...lookAgainAt(progress));
  // Past its deadline an ask is done with: a missed term is recorded, a missed re-registration lapses.
  if (progress.state === 'open') ctx.asks.open.push(request);
  return progress;
}

/**
 * This year's re-registration: confirmed once answered, asked from `askDaysBefore` the anniversary and
 * chased to it; unanswered at the deadline, the accreditation lapses.
 */
async function reRegister(ctx: Context): Promise<'open' | 'not-yet' | 'lapsed'> {
  const { participant, programme, plan, deps, now } = ctx;
  // Normally done by the form already; here in case it stopped part-way.
  await followReRegisteredContact(participant, deps);
  const year = nextReRegistration(participant, ctx.accreditedAt, plan.reRegistration);
  const confirmed = `re-registered#${year.year - 1}`;
  if (year.year > 1 && !participant.notified[confirmed]) {
    // With a fresh link to their directory entry for the year ahead (the last one lasted a year).
    const directoryEntry = await offerDirectoryEntry(participant, deps, year.year - 1);
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
  await recordWaiting(participant, waitingFor(participant, noAsks(), undefined, now, 'lapsed'), deps);
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
  input: z.object({ participantId: z.string().min(1), execution: ExecutionFacts }),
  run: advanceAccreditedYears,
});
export const handler = AdvanceAccreditedYears.handler(
  composedFor('AdvanceAccreditedYears', store, idempotency, mailer),
);
