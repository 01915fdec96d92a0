import { FINAL_STAGES } from '../domain/participant.js';
import { currentExecution, executionInput, programmeExecution } from '../lifecycle/execution.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, participantFor, participantNamed } from './command.js';
import { reread, startRecordedExecution } from './recorded-execution.js';

/**
 * Carries the participant into a later cohort of the same programme, keeping what they completed: the
 * old execution ends as deferred and a new one, named for the new cohort and recorded before it starts,
 * resumes from the record. Safe to run again: a retry starts the recorded execution if it has not started.
 */
export async function deferParticipant(
  command: Command<'defer-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  // Only someone still on the programme can move to a later cohort of it.
  if (FINAL_STAGES.has(participant.stage))
    throw new AdminCommandRejected(
      `${participantNamed(participant)} has finished the programme (${participant.stage}): there is nothing to defer`,
    );
  const target = await deps.store.cohorts.get(command.toCohortId);
  if (!target) throw new AdminCommandRejected(`No cohort "${command.toCohortId}"`);
  if (target.programmeId !== participant.programmeId)
    throw new AdminCommandRejected(`Cohort ${target.cohortId} runs a different programme`);
  if (participant.cohortId !== target.cohortId) {
    // One write moves them and names the execution that carries them on there (intent first): a retry
    // finds both done and only starts it. The next generation, so the name has never been used.
    const generation = executionInput(participant, currentExecution(participant)).generation + 1;
    const next = programmeExecution(participant.participantId, target.cohortId, generation);
    await deps.store.participants.moveToCohort(participant, target, command.reason, deps.clock.now(), next);
  }
  const moved = await reread(participant, deps);
  if (moved.cohortId !== target.cohortId)
    throw new AdminCommandRejected(
      `${participantNamed(participant)} moved to cohort ${moved.cohortId} meanwhile`,
    );
  // Until the new execution starts, every open ask of theirs is the old cohort's: closed, so its link
  // stops acting and nobody reports it as asked. The later cohort asks afresh when it reaches the step.
  if ((await deps.workflow.describeExecution(currentExecution(moved))) === 'NOT_STARTED')
    for (const ask of await deps.store.requests.ofParticipant(participant.participantId))
      if (ask.kind === 'submission' && ask.status === 'open') await deps.store.requests.expire(ask.requestId);
  // The old execution, woken, ends as deferred.
  await wakeParticipant(participant.participantId, deps);
  const { executionArn } = await startRecordedExecution(moved, deps);
  return { command: 'defer-participant', participantId: participant.participantId, executionArn };
}
