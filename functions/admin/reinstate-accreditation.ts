import { nextReRegistration } from '../domain/accredited-years.js';
import type { Participant } from '../domain/participant.js';
import { londonTime } from '../domain/time.js';
import { accreditedYearsExecution, currentExecution, executionInput } from '../lifecycle/execution.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, participantFor, participantNamed } from './command.js';
import { reread, startRecordedExecution } from './recorded-execution.js';

/**
 * Undoes a lapse (the lead re-registers late, or it was a mistake): accredited again, the missed
 * re-registration asked again with a new deadline, and their accredited years running again from the
 * record. They choose again whether to be in the directory. If they miss the new deadline, it lapses again.
 */
export async function reinstateAccreditation(
  command: Command<'reinstate-accreditation'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  const plan = programmeById(participant.programmeId).accreditation;
  if (participant.lapse && participant.accreditation && plan) {
    if (londonTime(command.reRegisterBy) <= deps.clock.now())
      throw new AdminCommandRejected('The new deadline must be in the future');
    const year = nextReRegistration(
      participant,
      new Date(participant.accreditation.accreditedAt),
      plan.reRegistration,
    );
    // The deadline first: the execution started below must find it. Then one write undoes the lapse and
    // names the accredited years that carry on, in a series of their own.
    await deps.store.participants.setDeadline(participant.participantId, year.id, command.reRegisterBy);
    const series = `reinstated-${participant.reinstatements.length + 1}`;
    await deps.store.participants.reinstate(
      participant.participantId,
      { reason: command.reason, at: deps.clock.now().toISOString(), lapse: participant.lapse },
      accreditedYearsExecution(participant.participantId, 1, series),
    );
  } else if (!carriedOnByLatestReinstatement(participant))
    throw new AdminCommandRejected(`${participantNamed(participant)}: the accreditation has not lapsed`);
  // Reinstated now, or by an earlier run of this command whose start failed: start what the record names.
  const { executionArn } = await startRecordedExecution(await reread(participant, deps), deps);
  return { command: 'reinstate-accreditation', participantId: participant.participantId, executionArn };
}

/** Reinstated, and the record names an execution of that reinstatement's series. */
function carriedOnByLatestReinstatement(participant: Participant) {
  const input = executionInput(participant, currentExecution(participant));
  return 'series' in input && input.series === `reinstated-${participant.reinstatements.length}`;
}
