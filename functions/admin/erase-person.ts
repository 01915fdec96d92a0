import { certificateStore } from '../accreditation/certificate-store.js';
import {
  anonymised,
  anonymousCommitment,
  anonymousParticipantId,
  ERASED,
  isAnonymous,
  isFinished,
  NOBODY,
} from '../domain/erasure.js';
import type { Participant } from '../domain/participant.js';
import { commitmentRequestId } from '../domain/request.js';
import { forgetReplays } from '../forms/replays.js';
import { currentExecution } from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, participantNamed } from './command.js';
import { enrolmentsUnder } from './enrolments-under.js';
import { reread } from './recorded-execution.js';

/**
 * UK GDPR erasure: one enrolment by participant id, or every part an email address has (each enrolment as
 * the participant, and as the senior leader asked to support one). Checked before anything is erased; run
 * again after a failure part-way, it finishes what the first run left.
 */
export async function erasePerson(
  command: Command<'erase-person'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const { asParticipant, asSeniorLeader } = command.participantId
    ? { asParticipant: [await participantToErase(command.participantId, deps)], asSeniorLeader: [] }
    : await enrolmentsUnder(command.email ?? '', deps);
  // A senior leader still asked to commit is still needed: someone must answer, or the participant leave.
  const waiting = asSeniorLeader.find((p) => p.stage === 'awaiting-commitment');
  if (waiting)
    throw new AdminCommandRejected(
      `${participantNamed(waiting)} still waits for this senior leader's commitment: correct-email to another senior leader, or withdraw the participant, first`,
    );
  const erased = [];
  for (const participant of asParticipant)
    erased.push({
      participantId: participant.participantId,
      anonymousId: await eraseParticipant(participant, deps),
    });
  for (const participant of asSeniorLeader) await eraseSeniorLeader(participant, deps);
  return {
    command: 'erase-person',
    erased,
    seniorLeaderErasedFrom: asSeniorLeader.map((p) => p.participantId),
  };
}

async function participantToErase(participantId: string, { store }: Dependencies) {
  const participant = await store.participants.get(participantId);
  if (!participant)
    throw new AdminCommandRejected(`No participant "${participantId}" (never enrolled, or erased already)`);
  if (isAnonymous(participant))
    throw new AdminCommandRejected(
      `${participantNamed(participant)} is the anonymous record of an erased participant`,
    );
  return participant;
}

/**
 * Erases a senior leader from a participant's record: their details and their commitment's signer, role,
 * IP address, user agent and reason (the decision, when and on which text stay, as the participant's
 * evidence), and from the commitment ask: its recipient, its links (each holds a digest of their address)
 * and its replay pages. The ask first, so a retry finds the record still naming them.
 */
async function eraseSeniorLeader(participant: Participant, deps: Dependencies) {
  const { store } = deps;
  const ask = await store.requests.get(commitmentRequestId(participant.participantId));
  if (ask) {
    for (const link of await store.links.ofRequest(ask.requestId)) await store.links.remove(link.linkHash);
    await forgetReplays(ask.replays ?? [], deps);
    const answer = ask.answer && 'decision' in ask.answer ? anonymousCommitment(ask.answer) : ask.answer;
    await store.requests.forgetRecipient(ask.requestId, NOBODY, answer);
  }
  const commitment = participant.commitment && anonymousCommitment(participant.commitment);
  await store.participants.forgetSeniorLeader(
    participant.participantId,
    participant.seniorLeader.email,
    NOBODY,
    commitment,
  );
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
