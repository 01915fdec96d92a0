import { isAccreditedYearsAsk } from '../domain/accredited-years.js';
import { stepRequestId } from '../domain/request.js';
import { londonTime } from '../domain/time.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, participantFor, participantNamed, wakeEach } from './command.js';

/** Moves this participant's deadline; the running wait is woken and re-planned on it at once. */
export async function grantExtension(
  command: Command<'grant-extension'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  const { stepId } = command;
  const step = programmeById(participant.programmeId).steps.find((s) => s.id === stepId);
  const submittable = step?.kind === 'task' || step?.kind === 'framework-submission';
  if (!submittable && !isAccreditedYearsAsk(stepId))
    throw new AdminCommandRejected(
      `"${stepId}" is not a task or framework submission of this programme, nor an accredited lead's termly feedback or re-registration`,
    );
  if (isAccreditedYearsAsk(stepId)) {
    // Only an ask that is still open: a missed term is followed up by hand, a lapse is final.
    const ask = await deps.store.requests.get(stepRequestId(stepId, participant.participantId));
    if (participant.lapse)
      throw new AdminCommandRejected(`${participantNamed(participant)}: the accreditation has lapsed`);
    if (ask?.status !== 'open' || participant.progress[stepId])
      throw new AdminCommandRejected(`${participantNamed(participant)} has no open ask "${stepId}"`);
  }
  if (londonTime(command.until) <= deps.clock.now())
    throw new AdminCommandRejected('The new deadline must be in the future');
  await deps.store.participants.setDeadline(participant.participantId, stepId, command.until);
  const woken = await wakeEach([participant], deps);
  return { command: 'grant-extension', participantId: participant.participantId, ...woken };
}
