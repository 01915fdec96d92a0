import { type AwaitedParty, awaitedFromOpenAsks } from '../domain/awaited.js';
import type { Stage } from '../domain/participant.js';
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
  for (const participant of await store.participants.inCohort(command.cohortId)) {
    const awaited = awaitedFromOpenAsks(
      participant,
      await store.requests.ofParticipant(participant.participantId),
      now,
    );
    participants.push({
      participantId: participant.participantId,
      name: participant.person.name,
      email: participant.person.email,
      stage: participant.stage,
      waitingOn: awaited.on,
      ...(awaited.ask && { asked: awaited.ask.stepId ?? awaited.ask.kind }),
      ...(awaited.nextDeadline && { nextDeadline: toLondonLocal(awaited.nextDeadline) }),
    });
  }
  participants.sort((a, b) => a.name.localeCompare(b.name));
  return { command: 'list-participants' as const, cohortId: command.cohortId, participants };
}
