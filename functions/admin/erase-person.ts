import { certificateStore } from '../accreditation/certificate-store.js';
import { anonymised, anonymousParticipantId, ERASED, isFinished } from '../domain/erasure.js';
import type { Participant } from '../domain/participant.js';
import { forgetReplays } from '../forms/replays.js';
import { currentExecution } from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';
import { reread } from './recorded-execution.js';

/**
 * UK GDPR erasure of one participant (one enrolment): see `eraseParticipant`. Run again after a failure
 * part-way, it finishes what the first run left; once done, the participant id leads nowhere.
 */
export async function erasePerson(
  command: Command<'erase-person'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await deps.store.participants.get(command.participantId);
  if (!participant)
    throw new AdminCommandRejected(
      `No participant "${command.participantId}" (never enrolled, or erased already)`,
    );
  const anonymousId = await eraseParticipant(participant, deps);
  return { command: 'erase-person', participantId: participant.participantId, anonymousId };
}

/**
 * Erases a participant's personal data everywhere the system keeps it, keeping an anonymous copy of their
 * record for reporting (`domain/erasure.ts`). Intent first: the record is marked with the anonymous id and,
 * if still on the programme, withdrawn (so no link acts and the store takes no answer), then their running
 * execution is stopped; then everything found from the record is deleted, the record itself last, so a
 * retry finds whatever is left. Returns the anonymous record's id.
 */
export async function eraseParticipant(participant: Participant, deps: Dependencies): Promise<string> {
  const { store, clock } = deps;
  const { participantId } = participant;
  if (!participant.erasure) {
    const at = clock.now().toISOString();
    const ends = isFinished(participant) ? {} : { withdrawal: { reason: ERASED, at }, stage: 'withdrawn' };
    await store.participants.change(
      participantId,
      { erasure: { at, anonymousId: anonymousParticipantId() }, ...ends },
      'attribute_exists(PK) AND attribute_not_exists(erasure)',
    );
  }
  const erasing = await reread(participant, deps);
  const anonymousId = erasing.erasure?.anonymousId;
  if (!erasing.erasure || !anonymousId) throw new Error(`${participantId} was not marked for erasure`);
  await deps.workflow.stopExecution(currentExecution(erasing));
  await store.participants.create(anonymised(erasing, anonymousId, new Date(erasing.erasure.at)));

  const code = erasing.accreditation?.verificationCode;
  if (code) {
    await store.certificates.erase(code, clock.now());
    await certificateStore(deps).withdrawCertificate(code);
  }
  await store.directory.remove(participantId);
  for (const request of await store.requests.ofParticipant(participantId)) {
    await uploadsOf(deps).forget(request.requestId);
    await forgetReplays(request.replays ?? [], deps);
    for (const link of await store.links.ofRequest(request.requestId))
      await store.links.remove(link.linkHash);
    await store.requests.remove(request.requestId);
  }
  await store.participants.remove(participantId);
  return anonymousId;
}

/** The uploads bucket, which the functions that erase are told (UPLOADS_BUCKET). */
function uploadsOf(deps: Dependencies) {
  if (!deps.uploads) throw new Error('No uploads bucket: UPLOADS_BUCKET is not set');
  return deps.uploads;
}
