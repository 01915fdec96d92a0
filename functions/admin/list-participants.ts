import { type AwaitedAnswer, type AwaitedParty, awaitedFromOpenAsks } from '../domain/awaited.js';
import type { Participant, Stage } from '../domain/participant.js';
import { toLondonLocal } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { AdminCommandRejected, type Command } from './command.js';

export interface ParticipantRow {
  participantId: string;
  name: string;
  email: string;
  stage: Stage;
  waitingOn: AwaitedParty;
  /** What the awaited person is asked for (the ask's step, or its kind). */
  asked?: string;
  /** When it is due, as a London time. */
  nextDeadline?: string;
}

/** A cohort's participants, each with their stage, whom they wait on and by when. */
export async function listParticipants(command: Command<'list-participants'>, deps: Dependencies) {
  const { store, clock } = deps;
  if (!(await store.cohorts.get(command.cohortId)))
    throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const now = clock.now();
  const participants: ParticipantRow[] = [];
  const everyone = await store.participants.inCohort(command.cohortId);
  // Asks are read a batch of participants at a time: a cohort of thousands is listed within the function's time.
  for (let from = 0; from < everyone.length; from += ASKS_READ_AT_ONCE) {
    const batch = everyone.slice(from, from + ASKS_READ_AT_ONCE);
    const asks = await Promise.all(batch.map((p) => store.requests.ofParticipant(p.participantId)));
    participants.push(
      ...batch.map((participant, i) =>
        row(participant, awaitedFromOpenAsks(participant, asks[i] ?? [], now)),
      ),
    );
  }
  participants.sort((a, b) => a.name.localeCompare(b.name));
  return { command: 'list-participants' as const, cohortId: command.cohortId, participants };
}

const ASKS_READ_AT_ONCE = 25;

function row(participant: Participant, awaited: AwaitedAnswer): ParticipantRow {
  return {
    participantId: participant.participantId,
    name: participant.person.name,
    email: participant.person.email,
    stage: participant.stage,
    waitingOn: awaited.on,
    ...(awaited.ask && { asked: awaited.ask.stepId ?? awaited.ask.kind }),
    ...(awaited.nextDeadline && { nextDeadline: toLondonLocal(awaited.nextDeadline) }),
  };
}
