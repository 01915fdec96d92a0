import type { Participant, Stage, Waiting, WaitingOn } from './participant.js';
import type { Programme } from './programme.js';
import { position } from './progress.js';
import { addressedTo, dueBy, type Request, type RequestKind } from './request.js';

/**
 * Who the lifecycle waits on, worked out from the record and the asks about it: the lifecycle's steps
 * record it on the participant (`waiting`), and the whole-system invariants check the same answer
 * against a snapshot, so both read "waiting on whom" one way.
 */

/** A person an ask waits on. */
export type Asked = Extract<WaitingOn, 'participant' | 'senior-leader' | 'cohort-lead'>;

/**
 * Asks nothing in a participant's lifecycle waits on: a directory entry is an offer the lead may ignore;
 * the waiting list's and applications' asks are about an entry or an application, and the invitations'
 * own execution waits on them.
 */
const NOT_WAITED_ON: ReadonlySet<RequestKind> = new Set([
  'directory-entry',
  'place-offer',
  'waiting-list-confirmation',
  'application-confirmation',
]);

/** Whom each kind of request asks (whom it is addressed to), unless nothing waits on it. */
export const askedOf = Object.fromEntries(
  (Object.keys(addressedTo) as RequestKind[]).map((kind) => [
    kind,
    NOT_WAITED_ON.has(kind) ? undefined : addressedTo[kind],
  ]),
) as Record<RequestKind, Asked | undefined>;

/** The asks a participant's progress waits for: open ones wait on whom they ask, expired ones on the admin. */
export interface PendingAsks {
  open: Request[];
  expired: Request[];
}

export const noAsks = (): PendingAsks => ({ open: [], expired: [] });

/** Whether the participant's record already holds what the request asked for. */
function doneFor(participant: Participant, request: Request): boolean {
  if (request.kind === 'commitment') return Boolean(participant.commitment);
  const outcome = request.stepId ? participant.progress[request.stepId] : undefined;
  if (!outcome) return false;
  return !request.attempt || !('attempt' in outcome) || outcome.attempt >= request.attempt;
}

/**
 * An ask of the participant's own about a programme step after the one they are at: their old cohort's,
 * closed when they were deferred (the later cohort asks afresh when they reach it). Registers are left
 * to the cohort they are for: a day's register comes whatever else the participant is doing.
 */
function notYetReached(participant: Participant, programme: Programme | undefined, request: Request) {
  if (!programme || request.kind === 'attendance' || !request.stepId) return false;
  const where = position(programme, participant);
  if (!('at' in where)) return false;
  const steps = programme.steps.map((step) => step.id);
  return steps.indexOf(request.stepId) > steps.indexOf(where.at.id);
}

/**
 * Of `requests`, the asks a participant's progress still waits for: their own unanswered requests, and
 * their cohort's registers for days with no attendance recorded for them.
 */
export function pendingAsks(
  participant: Participant,
  programme: Programme | undefined,
  requests: Request[],
  now: Date,
): PendingAsks {
  const asks = requests.filter(
    (r) =>
      askedOf[r.kind] &&
      r.status !== 'answered' &&
      (r.participantId === participant.participantId ||
        (r.kind === 'attendance' && r.cohortId === participant.cohortId)) &&
      !doneFor(participant, r) &&
      !notYetReached(participant, programme, r),
  );
  const isOpen = (r: Request) => r.status === 'open' && now < new Date(r.expiresAt);
  return { open: asks.filter(isOpen), expired: asks.filter((r) => !isOpen(r)) };
}

/** With no ask pending, what the lifecycle waits for: the step it is at, and the date it next looks, if any. */
export interface AwaitedDate {
  what: string;
  at?: Date;
}

/** Waiting for `what` until `at`, the next thing due (the execution's next look), if any. */
export const awaitedDate = (what: string, at: Date | undefined): AwaitedDate =>
  at ? { what, at } : { what };

const earliestDue = (asks: Request[]) => [...asks].sort((a, b) => dueBy(a).getTime() - dueBy(b).getTime())[0];

/**
 * Who the participant waits on: the person asked (the ask due soonest, if several are open); the admin
 * once an ask expired unanswered (a missed deadline needs an extension or a withdrawal); a date when
 * nothing is asked; nobody once `awaited` is absent (finished, withdrawn). `since` is kept from the
 * record's `waiting` while it waits on the same one for the same thing, so an unchanged wait is not
 * written again.
 */
export function waitingFor(
  participant: Participant,
  asks: PendingAsks,
  awaited: AwaitedDate | undefined,
  now: Date,
  stage: Stage = participant.stage,
): Waiting {
  const ask = earliestDue(asks.open);
  const missed = earliestDue(asks.expired);
  const decided: Omit<Waiting, 'since' | 'stage'> & { since?: string } = ask
    ? {
        on: askedOf[ask.kind] ?? 'nobody',
        what: ask.stepId ?? ask.kind,
        since: ask.createdAt,
        nextDeadline: dueBy(ask).toISOString(),
      }
    : missed
      ? {
          on: 'admin',
          what: missed.stepId ?? missed.kind,
          since: missed.expiresAt,
          nextDeadline: missed.expiresAt,
        }
      : awaited && !participant.withdrawal
        ? { on: 'date', what: awaited.what, ...(awaited.at && { nextDeadline: awaited.at.toISOString() }) }
        : { on: 'nobody', what: stage };
  const previous = participant.waiting;
  const same = previous?.on === decided.on && previous.what === decided.what;
  return { ...decided, stage, since: (same && previous?.since) || decided.since || now.toISOString() };
}

/** People (and the admin) are overdue once what they were asked for is past due; dates and nobody never are. */
export const isOverdue = (waiting: Waiting | undefined, now: Date): boolean =>
  Boolean(
    waiting?.nextDeadline &&
      waiting.on !== 'date' &&
      waiting.on !== 'nobody' &&
      new Date(waiting.nextDeadline) <= now,
  );

/** Whether a newly decided wait differs from the one recorded (so the record needs writing). */
export const waitingChanged = ({ waiting: recorded }: Participant, waiting: Waiting): boolean =>
  !recorded ||
  (['on', 'stage', 'what', 'since', 'nextDeadline'] as const).some(
    (field) => recorded[field] !== waiting[field],
  );
