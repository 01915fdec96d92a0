import { certificateKey } from '../accreditation/certificate-store.js';
import type { Participant, StepOutcome } from '../domain/participant.js';
import { currentAddress, type Request } from '../domain/request.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';
import { enrolmentsUnder } from './enrolments-under.js';

/** Where another person's name or address stood in what is exported: who they are to the person, not who. */
const SENIOR_LEADER = 'their senior leader';
const COHORT_LEAD = 'the cohort lead';

/**
 * UK GDPR access (and portability): everything held about one person, as JSON, and nothing about anyone
 * else. A participant is found by participant id (one enrolment) or by email address (every enrolment
 * under that address); a senior leader, who is no record of their own, by email address: every participant
 * they were asked to support, with only what concerns them (their details, their commitment and its ask).
 */
export async function exportPerson(
  command: Command<'export-person'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const { store } = deps;
  if (command.participantId) {
    const participant = await store.participants.get(command.participantId);
    if (!participant) throw new AdminCommandRejected(`No participant "${command.participantId}"`);
    return {
      command: 'export-person',
      asParticipant: [await asParticipant(participant, deps)],
      asSeniorLeader: [],
    };
  }
  const found = await enrolmentsUnder(command.email ?? '', deps);
  return {
    command: 'export-person',
    asParticipant: await Promise.all(found.asParticipant.map((p) => asParticipant(p, deps))),
    asSeniorLeader: await Promise.all(found.asSeniorLeader.map((p) => asSeniorLeader(p, deps))),
  };
}

/** Another person's name on an outcome (the cohort lead's) becomes their role. */
function withoutOthers(outcome: StepOutcome): StepOutcome {
  if ('recordedBy' in outcome) return { ...outcome, recordedBy: COHORT_LEAD };
  if ('givenBy' in outcome) return { ...outcome, givenBy: COHORT_LEAD };
  if ('decidedBy' in outcome) return { ...outcome, decidedBy: COHORT_LEAD };
  return outcome;
}

/** One enrolment: the record, every ask, its links' dates, the files and the certificate by reference. */
async function asParticipant(participant: Participant, deps: Dependencies) {
  const { store } = deps;
  const { waitToken: _token, seniorLeader: _leader, commitment, ...record } = participant;
  const requests = await store.requests.ofParticipant(participant.participantId);
  const code = participant.accreditation?.verificationCode;
  return {
    ...record,
    seniorLeader: SENIOR_LEADER,
    ...(commitment && {
      commitment: {
        decision: commitment.decision,
        answeredAt: commitment.answeredAt,
        textVersion: commitment.textVersion,
      },
    }),
    progress: Object.fromEntries(
      Object.entries(participant.progress).map(([id, o]) => [id, withoutOthers(o)]),
    ),
    requests: await Promise.all(requests.map((r) => requestExport(r, participant, deps))),
    directoryEntry: (await store.directory.get(participant.participantId)) ?? null,
    certificate: code ? { verificationCode: code, file: certificateKey(code) } : null,
    emails:
      'No copy of an email is kept: each ask above says when it was sent (invitedAt) and how many reminders went (remindersSent); outcome emails are under notified.',
  };
}

/** An ask about the participant; one addressed to someone else (a senior leader, a cohort lead) names only their role. */
async function requestExport(request: Request, participant: Participant, deps: Dependencies) {
  const {
    taskToken: _token,
    replays: _replays,
    replayPage: _page,
    links: kept = [],
    recipient,
    answer,
    ...ask
  } = request;
  const toThem = currentAddress(request.kind, participant) === participant.person.email;
  const role = request.kind === 'commitment' ? SENIOR_LEADER : COHORT_LEAD;
  const files = request.kind === 'submission' ? await deps.uploads?.list(request.requestId) : undefined;
  // Links kept on the request, and those emailed before that, as items of their own.
  const links = [
    ...kept.map((link) => ({ ...link, expiresAt: request.expiresAt })),
    ...(await deps.store.links.ofRequest(request.requestId)),
  ];
  return {
    ...ask,
    recipient: toThem ? recipient : role,
    ...(answer && { answeredAt: answer.answeredAt }),
    links: links.map(({ createdAt, expiresAt }) => ({ createdAt, expiresAt })),
    ...(files && { files: files.map(({ key, name, bytes }) => ({ key, name, bytes })) }),
  };
}

/** What concerns a senior leader about one participant: their details, their answer and its ask; of the participant, ids only. */
async function asSeniorLeader(participant: Participant, { store }: Dependencies) {
  const ask = (await store.requests.ofParticipant(participant.participantId)).find(
    (r) => r.kind === 'commitment',
  );
  return {
    participantId: participant.participantId,
    cohortId: participant.cohortId,
    seniorLeader: participant.seniorLeader,
    commitment: participant.commitment ?? null,
    commitmentAsk: ask
      ? {
          requestId: ask.requestId,
          status: ask.status,
          recipient: ask.recipient,
          createdAt: ask.createdAt,
          expiresAt: ask.expiresAt,
          invitedAt: ask.invitedAt,
          remindersSent: ask.remindersSent,
        }
      : null,
  };
}
