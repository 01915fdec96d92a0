import { randomBytes } from 'node:crypto';
import { type Commitment, FINAL_STAGES, type Participant, type StepOutcome } from './participant.js';

/**
 * UK GDPR erasure and retention: what is left of a participant once their personal data is erased. The
 * anonymous record keeps what the programme team reports on (cohort, programme, pathway, stage, when each
 * step happened, outcomes and reach counts) and nothing that names or describes anyone: no name, address,
 * school, senior leader, answer, feedback, file or reason typed by the admin. It lives under a new random id,
 * so nobody who knows the person (and can work out their participant id from cohort and address) finds it.
 */

/** What stands where a name, an address or free text was. */
export const ERASED = 'Erased';
const ERASED_ADDRESS = 'erased@erased.invalid';
/** Who stands where a person was named: nobody, at an address that can receive nothing. */
export const NOBODY = { name: ERASED, email: ERASED_ADDRESS };

/** A fresh anonymous participant id: random, so it cannot be linked back to the person. */
export const anonymousParticipantId = () => `p-erased-${randomBytes(9).toString('hex')}`;

/** A step's outcome without the people and the words in it: kind, when, attempt and counts stay. */
function anonymousOutcome(outcome: StepOutcome): StepOutcome {
  switch (outcome.outcome) {
    case 'attended':
    case 'absent':
      return { ...outcome, recordedBy: ERASED };
    case 'submitted':
      return {
        outcome: 'submitted',
        attempt: outcome.attempt,
        submittedAt: outcome.submittedAt,
        answers: {},
      };
    case 'feedback-given':
      return { ...outcome, givenBy: ERASED, feedback: '' };
    case 'accredited':
    case 'resubmit':
    case 'not-accredited':
      return {
        outcome: outcome.outcome,
        attempt: outcome.attempt,
        decidedAt: outcome.decidedAt,
        decidedBy: ERASED,
      };
    case 'reported':
      return { ...outcome, answers: {} };
    case 're-registered':
      return { ...outcome, contact: { ...NOBODY, organisation: ERASED }, pledges: [] };
    case 'missed':
      return outcome;
  }
}

/** A senior leader's answer without them: what was decided, when, on which text; not who, how or why. */
export const anonymousCommitment = (commitment: Commitment): Commitment => ({
  decision: commitment.decision,
  signedBy: ERASED,
  role: ERASED,
  answeredAt: commitment.answeredAt,
  textVersion: commitment.textVersion,
  ipAddress: ERASED,
  userAgent: ERASED,
});

/** The anonymous record kept after an erasure (the record being erased names its anonymous copy instead). */
export const isAnonymous = (participant: Participant) =>
  Boolean(participant.erasure) && !participant.erasure?.anonymousId;

/** Whether the participant's programme is over: a final stage, and for an accredited lead, once it ended. */
export const isFinished = (participant: Participant) =>
  FINAL_STAGES.has(participant.stage) && participant.stage !== 'accredited';

/**
 * The anonymous copy of a participant's record. Anyone not yet finished ends as withdrawn (nothing more can
 * be done for someone the system no longer knows), and so does an accredited lead: an accreditation
 * nobody can be named for is no longer current.
 */
export function anonymised(participant: Participant, anonymousId: string, at: Date): Participant {
  const when = at.toISOString();
  const ended = (event: { at: string } | undefined) => event && { reason: ERASED, at: event.at };
  return {
    participantId: anonymousId,
    person: NOBODY,
    school: ERASED,
    seniorLeader: NOBODY,
    programmeId: participant.programmeId,
    pathway: participant.pathway,
    cohortId: participant.cohortId,
    ...(participant.mathsHub && { mathsHub: participant.mathsHub }),
    stage: isFinished(participant) ? participant.stage : 'withdrawn',
    enrolledAt: participant.enrolledAt,
    ...(participant.commitment && { commitment: anonymousCommitment(participant.commitment) }),
    notified: {},
    progress: Object.fromEntries(
      Object.entries(participant.progress).map(([stepId, outcome]) => [stepId, anonymousOutcome(outcome)]),
    ),
    deadlines: {},
    revision: 0,
    withdrawal:
      ended(participant.withdrawal) ?? (isFinished(participant) ? undefined : { reason: ERASED, at: when }),
    deferrals: participant.deferrals.map((d) => ({ fromCohortId: d.fromCohortId, reason: ERASED, at: d.at })),
    ...(participant.accreditation && {
      accreditation: {
        verificationCode: ERASED,
        accreditedAt: participant.accreditation.accreditedAt,
        listedInDirectory: false,
      },
    }),
    lapse: ended(participant.lapse),
    reinstatements: participant.reinstatements.map((r) => ({
      reason: ERASED,
      at: r.at,
      lapse: { reason: ERASED, at: r.lapse.at },
    })),
    erasure: { at: when },
  };
}

/** The latest moment anything happened on the record: enrolment, an answer, an outcome, an end. */
export function lastActivity(participant: Participant): Date {
  const moments = [
    participant.enrolledAt,
    participant.commitment?.answeredAt,
    participant.accreditation?.accreditedAt,
    participant.withdrawal?.at,
    participant.lapse?.at,
    ...participant.deferrals.map((d) => d.at),
    ...participant.reinstatements.map((r) => r.at),
    ...Object.values(participant.notified),
    ...Object.values(participant.progress).map(outcomeAt),
  ];
  return new Date(Math.max(...moments.flatMap((m) => (m ? [new Date(m).getTime()] : []))));
}

function outcomeAt(outcome: StepOutcome): string {
  if ('recordedAt' in outcome) return outcome.recordedAt;
  if ('submittedAt' in outcome) return outcome.submittedAt;
  if ('givenAt' in outcome) return outcome.givenAt;
  if ('decidedAt' in outcome) return outcome.decidedAt;
  if ('reportedAt' in outcome) return outcome.reportedAt;
  if ('reRegisteredAt' in outcome) return outcome.reRegisteredAt;
  return outcome.at;
}

/**
 * Due for anonymising by the retention job: finished (an accredited lead once their accreditation lapsed
 * or was withdrawn), not anonymised already, and nothing has happened for `years` years; or an erasure
 * that stopped part-way, to finish.
 */
export function dueForRetention(participant: Participant, years: number, now: Date): boolean {
  if (participant.erasure) return !isAnonymous(participant);
  if (!isFinished(participant)) return false;
  const keptUntil = new Date(lastActivity(participant));
  keptUntil.setUTCFullYear(keptUntil.getUTCFullYear() + years);
  return keptUntil <= now;
}
