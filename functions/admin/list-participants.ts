import type { Participant, Stage, WaitingOn } from '../domain/participant.js';
import { toLondonLocal } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { AdminCommandRejected, type Command } from './command.js';

export interface ParticipantRow {
  participantId: string;
  name: string;
  email: string;
  stage: Stage;
  /** Whom their lifecycle waits on, as their record says (`waiting`, functions/domain/waiting.ts). */
  waitingOn?: WaitingOn;
  /** What for: the step or ask (`commitment`, `day-1`, …). */
  asked?: string;
  /** When it is due, as a London time. */
  nextDeadline?: string;
}

/** A cohort's participants, each with their stage, whom they wait on and by when. */
export async function listParticipants(command: Command<'list-participants'>, deps: Dependencies) {
  const { store } = deps;
  if (!(await store.cohorts.get(command.cohortId)))
    throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const participants = (await store.participants.inCohort(command.cohortId)).map(row);
  participants.sort((a, b) => a.name.localeCompare(b.name));
  return { command: 'list-participants' as const, cohortId: command.cohortId, participants };
}

function row(participant: Participant): ParticipantRow {
  const { waiting } = participant;
  return {
    participantId: participant.participantId,
    name: participant.person.name,
    email: participant.person.email,
    stage: participant.stage,
    ...(waiting && { waitingOn: waiting.on, asked: waiting.what }),
    ...(waiting?.nextDeadline && { nextDeadline: toLondonLocal(new Date(waiting.nextDeadline)) }),
  };
}
