import { createHash } from 'node:crypto';
import type { Participant } from '../domain/participant.js';
import {
  accreditedYearsExecution,
  currentExecution,
  executionInput,
  programmeExecution,
} from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { NamedExecution } from '../shared/workflow.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, participantNamed } from './command.js';
import { reread, startRecordedExecution } from './recorded-execution.js';

/**
 * Starts a stranded participant's execution again (theirs failed once the cause is fixed, was aborted,
 * timed out or never started), from the record. Running already: nothing is started. Otherwise the
 * record names the new execution before it starts, so a retry after a failed start starts that one.
 */
export async function resumeParticipant(
  command: Command<'resume-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await deps.store.participants.get(command.participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${command.participantId}"`);
  const { participantId } = participant;
  const current = currentExecution(participant);
  const state = await deps.workflow.describeExecution(current);
  if (state === 'RUNNING')
    return { command: 'resume-participant', participantId, execution: current, alreadyRunning: true };
  const workflow = whatCarriesOn(participant);
  if (state !== 'NOT_STARTED' || current.workflow !== workflow)
    await deps.store.participants.recordExecution(
      participantId,
      nextExecution(participant, current, workflow),
    );
  const resumed = await reread(participant, deps);
  await startRecordedExecution(resumed, deps);
  return {
    command: 'resume-participant',
    participantId,
    execution: currentExecution(resumed),
    alreadyRunning: false,
  };
}

/** Which state machine carries the participant on from here, or why nothing does. */
function whatCarriesOn(participant: Participant): NamedExecution['workflow'] {
  const name = participantNamed(participant);
  if (participant.withdrawal)
    throw new AdminCommandRejected(`${name} has been withdrawn: there is nothing to resume`);
  if (participant.lapse)
    throw new AdminCommandRejected(
      `${name}: the accreditation has lapsed; to carry on, reinstate it (reinstate-accreditation)`,
    );
  switch (participant.stage) {
    case 'awaiting-commitment':
    case 'ready-for-development-days':
    case 'in-programme':
      return 'ParticipantLifecycle';
    case 'accredited':
      if (participant.accreditation) return 'AccreditedYears';
      break;
    case 'commitment-declined':
    case 'commitment-expired':
      throw new AdminCommandRejected(
        `${name}: the senior leader did not commit (${participant.stage}): there is nothing to resume; enrol them in a later cohort`,
      );
  }
  throw new AdminCommandRejected(
    `${name} has finished the programme (${participant.stage}): there is nothing to resume`,
  );
}

/**
 * The execution after a stopped one: the programme's next generation in their cohort (a name never
 * used, since generations only go up), or accredited years in a series of their own, named for the
 * execution they replace so that resuming it again lands on the same name.
 */
function nextExecution(
  participant: Participant,
  stopped: NamedExecution,
  workflow: NamedExecution['workflow'],
): NamedExecution {
  const { participantId } = participant;
  if (workflow === 'ParticipantLifecycle') {
    const generation = stopped.workflow === workflow ? executionInput(participant, stopped).generation : 0;
    return programmeExecution(participantId, participant.cohortId, generation + 1);
  }
  const replaces = createHash('sha256').update(stopped.name).digest('hex').slice(0, 8);
  return accreditedYearsExecution(participantId, 1, `resumed-${replaces}`);
}
