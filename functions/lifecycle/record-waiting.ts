import type { Cohort } from '../domain/cohort.js';
import type { Participant, Waiting } from '../domain/participant.js';
import { waitingChanged } from '../domain/waiting.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { WaitingToRecord } from './await-change.js';

/**
 * The wait a step decided, to record, or null when the record already says it: a look that changes
 * nothing writes nothing (and the status index is not rewritten for nothing).
 */
export async function waitingToRecord(
  participant: Participant,
  waiting: Waiting,
  deps: Dependencies,
  cohort?: Cohort,
): Promise<WaitingToRecord | null> {
  if (!waitingChanged(participant, waiting)) return null;
  const mathsHub = (cohort ?? (await deps.store.cohorts.get(participant.cohortId)))?.mathsHub;
  if (!mathsHub) throw new Error(`No cohort ${participant.cohortId}`);
  return { waiting, mathsHub };
}

/**
 * Records whom the participant waits on when nothing more runs (finished, withdrawn, lapsed). A step
 * that waits hands it to the wait instead, which records it in the write that parks its token.
 */
export async function recordWaiting(
  participant: Participant,
  waiting: Waiting,
  deps: Dependencies,
  cohort?: Cohort,
): Promise<void> {
  const decided = await waitingToRecord(participant, waiting, deps, cohort);
  if (decided)
    await deps.store.participants.recordWaiting(participant.participantId, decided.waiting, decided.mathsHub);
}
