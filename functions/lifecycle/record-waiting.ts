import type { Participant, Waiting } from '../domain/participant.js';
import type { Cohort } from '../domain/programme.js';
import { waitingChanged } from '../domain/waiting.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * Records whom the participant waits on, as a step decided it: only when it changed, so a look that
 * changes nothing writes nothing (and the status index is not rewritten weekly for nothing).
 */
export async function recordWaiting(
  participant: Participant,
  waiting: Waiting,
  deps: Dependencies,
  cohort?: Cohort,
): Promise<void> {
  if (!waitingChanged(participant, waiting)) return;
  const mathsHub = (cohort ?? (await deps.store.cohorts.get(participant.cohortId)))?.mathsHub;
  if (!mathsHub) throw new Error(`No cohort ${participant.cohortId}`);
  await deps.store.participants.recordWaiting(participant.participantId, waiting, mathsHub);
}
