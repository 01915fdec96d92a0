import { FINAL_STAGES } from '../domain/participant.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, participantFor } from './command.js';

/**
 * Carries the participant into a later cohort of the same programme, keeping what they completed: the
 * old execution ends as deferred and a new one, named for the new cohort, resumes from the record.
 */
export async function deferParticipant(
  command: Command<'defer-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  // Only someone still on the programme can move to a later cohort of it.
  if (FINAL_STAGES.has(participant.stage))
    throw new AdminCommandRejected(
      `${participant.person.name} has finished the programme (${participant.stage}): there is nothing to defer`,
    );
  const target = await deps.store.getCohort(command.toCohortId);
  if (!target) throw new AdminCommandRejected(`No cohort "${command.toCohortId}"`);
  if (target.programmeId !== participant.programmeId)
    throw new AdminCommandRejected(`Cohort ${target.cohortId} runs a different programme`);
  if (participant.cohortId !== target.cohortId)
    await deps.store.moveToCohort(participant, target.cohortId, command.reason, deps.clock.now());
  await wakeParticipant(participant.participantId, deps);
  const { executionArn } = await deps.workflow.startExecution(
    { workflow: 'ParticipantLifecycle', name: `${participant.participantId}-${target.cohortId}` },
    {
      participantId: participant.participantId,
      cohortId: target.cohortId,
    },
  );
  return { command: 'defer-participant', participantId: participant.participantId, executionArn };
}
