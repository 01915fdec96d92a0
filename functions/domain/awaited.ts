import { FINAL_STAGES, type Participant } from './participant.js';
import { addressedTo, dueBy, isExpired, type Request } from './request.js';

/** Whom a participant's progress waits on now. */
export type AwaitedParty = 'senior-leader' | 'participant' | 'cohort-lead' | 'admin' | 'nobody';

export interface AwaitedAnswer {
  on: AwaitedParty;
  /** What they are asked for (the ask's kind and step), when someone is asked something. */
  ask?: { kind: Request['kind']; stepId?: string; requestId: string };
  /** When the awaited answer is due: the open ask's due date or deadline. */
  nextDeadline?: Date;
}

/**
 * A simple "waiting on whom" worked out from what the record already holds: the open ask due soonest
 * names whom the participant waits on and by when; with none open, an ask whose deadline passed
 * unanswered waits on the admin (an extension or a withdrawal); otherwise nobody (a date, or the end).
 * One pure function, to be replaced by the participant record's own `waiting` once it keeps one.
 */
export function awaitedFromOpenAsks(participant: Participant, asks: Request[], now: Date): AwaitedAnswer {
  if (participant.withdrawal || (FINAL_STAGES.has(participant.stage) && participant.stage !== 'accredited'))
    return { on: 'nobody' };
  const open = asks
    .filter((ask) => ask.status === 'open' && !isExpired(ask, now))
    .sort((a, b) => dueBy(a).getTime() - dueBy(b).getTime());
  const soonest = open[0];
  if (soonest)
    return {
      on: addressedTo[soonest.kind],
      ask: {
        kind: soonest.kind,
        requestId: soonest.requestId,
        ...(soonest.stepId && { stepId: soonest.stepId }),
      },
      nextDeadline: dueBy(soonest),
    };
  const missed = asks.find(
    (ask) => isExpired(ask, now) && ask.stepId !== undefined && !participant.progress[ask.stepId],
  );
  if (missed && missed.kind !== 'commitment')
    return { on: 'admin', ask: { kind: missed.kind, requestId: missed.requestId, stepId: missed.stepId } };
  return { on: 'nobody' };
}
