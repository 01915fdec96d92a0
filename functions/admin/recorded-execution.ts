import type { Participant } from '../domain/participant.js';
import { currentExecution, executionInput } from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * Starts the execution the participant record names, as its name says. Idempotent by that name: a
 * retry after a failed start starts it, and one after a success finds it started.
 */
export function startRecordedExecution(participant: Participant, { workflow }: Dependencies) {
  const execution = currentExecution(participant);
  return workflow.startExecution(execution, executionInput(participant, execution));
}

/** The participant as recorded now, after the command's own writes. */
export async function reread(participant: Participant, { store }: Dependencies): Promise<Participant> {
  return (await store.participants.get(participant.participantId)) ?? participant;
}
