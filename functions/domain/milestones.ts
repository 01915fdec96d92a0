import * as z from 'zod';
import {
  type Milestone,
  type MilestoneDetail,
  type MilestoneType,
  milestoneDetails,
} from '../../events/milestones.js';
import { programmeById } from '../programmes/index.js';
import { Pathway } from './pathway.js';

/**
 * A participant's milestones, derived from the change to their record (the truth) rather than announced by
 * each step beside its write: nothing is published that was not recorded, and nothing recorded is missed.
 *
 * Every state of a record implies a set of milestones, each with an id that does not change as the record
 * does; a change announces those of the new state that the old one did not have. So whatever else a write
 * touches (a corrected address, an anonymised name, a wait's token, a deferral clearing a missed day), it
 * announces nothing unless it recorded a milestone.
 */

const At = z.object({ at: z.string() });
/** What the milestones are read from, leniently: only these parts, whatever else the record holds. */
const RecordImage = z.object({
  participantId: z.string(),
  programmeId: z.string(),
  pathway: Pathway,
  cohortId: z.string(),
  stage: z.string(),
  enrolledAt: z.string(),
  commitment: z.object({ decision: z.enum(['signed', 'declined']), answeredAt: z.string() }).optional(),
  progress: z
    .record(
      z.string(),
      z.looseObject({
        outcome: z.string(),
        attempt: z.number().optional(),
        counts: z.record(z.string(), z.number()).optional(),
      }),
    )
    .default({}),
  accreditation: z.object({ accreditedAt: z.string() }).optional(),
  withdrawal: At.optional(),
  deferrals: z.array(At.extend({ fromCohortId: z.string() })).default([]),
  lapse: At.optional(),
  reinstatements: z.array(At.extend({ lapse: At })).default([]),
});
type RecordImage = z.infer<typeof RecordImage>;
type StepOutcome = RecordImage['progress'][string];

/** One milestone a record implies: its type, what tells it from others of its type, when, and its own facts. */
interface Fact {
  detailType: MilestoneType;
  /** Unique among the participant's milestones of this type; the id is built from it. */
  key?: string;
  at: string;
  facts?: Record<string, unknown>;
}

/** When the outcome was recorded, by the field each kind of outcome keeps it in. */
const TIME_OF_OUTCOME = [
  'recordedAt',
  'submittedAt',
  'givenAt',
  'decidedAt',
  'reportedAt',
  'reRegisteredAt',
  'at',
];

function stepFact(record: RecordImage, stepId: string, outcome: StepOutcome, changedAt: string): Fact[] {
  const field = TIME_OF_OUTCOME.find((name) => typeof outcome[name] === 'string');
  const at = field ? String(outcome[field]) : changedAt;
  const fact = (detailType: MilestoneType, facts: Record<string, unknown> = {}): Fact[] => [
    { detailType, key: `${stepId}/${at}`, at, facts: { stepId, ...facts } },
  ];
  switch (outcome.outcome) {
    case 'attended':
      return fact('DevelopmentDayAttended');
    case 'absent':
      return fact('DevelopmentDayMissed');
    case 'submitted': {
      const kind = programmeById(record.programmeId).steps.find((s) => s.id === stepId)?.kind;
      return fact(kind === 'framework-submission' ? 'FrameworkSubmitted' : 'TaskSubmitted', {
        attempt: outcome.attempt,
      });
    }
    case 'feedback-given':
      return fact('FeedbackGiven');
    case 'accredited':
    case 'resubmit':
    case 'not-accredited':
      return fact('ParticipantAssessed', { attempt: outcome.attempt, outcome: outcome.outcome });
    case 'reported':
      return fact('TermlyReportGiven', { counts: outcome.counts ?? {} });
    case 're-registered':
      return fact('ReRegistered', { counts: outcome.counts ?? {} });
    // A missed re-registration is announced by the lapse it leads to.
    case 'missed':
      return stepId.startsWith('termly-') ? fact('TermlyReportMissed') : [];
    default:
      throw new Error(`No milestone is known for the outcome "${outcome.outcome}" of ${stepId}`);
  }
}

/** Every milestone the record implies. Those with no time of their own take the change's. */
function factsOf(record: RecordImage, changedAt: string): Fact[] {
  const { commitment, accreditation, withdrawal, lapse } = record;
  const once = (detailType: MilestoneType, at: string): Fact => ({ detailType, at });
  return [
    once('ParticipantEnrolled', record.enrolledAt),
    ...(commitment
      ? [
          once(
            commitment.decision === 'signed' ? 'CommitmentSigned' : 'CommitmentDeclined',
            commitment.answeredAt,
          ),
        ]
      : []),
    ...(record.stage === 'commitment-expired' ? [once('CommitmentExpired', changedAt)] : []),
    ...Object.entries(record.progress).flatMap(([stepId, outcome]) =>
      stepFact(record, stepId, outcome, changedAt),
    ),
    ...(accreditation ? [once('ParticipantAccredited', accreditation.accreditedAt)] : []),
    ...(record.stage === 'completed' ? [once('ProgrammeCompleted', changedAt)] : []),
    // A lapse undone stays in the reinstatements: still the same lapse, not a new one.
    ...[...(lapse ? [lapse] : []), ...record.reinstatements.map((r) => r.lapse)].map(
      ({ at }): Fact => ({ detailType: 'AccreditationLapsed', key: at, at }),
    ),
    ...record.reinstatements.map(({ at }): Fact => ({ detailType: 'AccreditationReinstated', key: at, at })),
    ...(withdrawal ? [once('ParticipantWithdrawn', withdrawal.at)] : []),
    ...record.deferrals.map(
      ({ at, fromCohortId }): Fact => ({
        detailType: 'ParticipantDeferred',
        key: at,
        at,
        facts: { fromCohortId },
      }),
    ),
  ];
}

const milestoneId = (participantId: string, { detailType, key }: Fact) =>
  [participantId, detailType, ...(key ? [key] : [])].join('/');

/**
 * The milestones a change to a participant record announces (oldest first), from its image before and
 * after (either absent: created, removed), as DynamoDB Streams gives them. `mathsHub` is that of the cohort
 * the record is in after the change; `changedAt` is when the change was made.
 */
export function milestones(
  before: unknown,
  after: unknown,
  { mathsHub, changedAt }: { mathsHub: string; changedAt: Date },
): Milestone[] {
  if (after === undefined) return [];
  const record = RecordImage.parse(after);
  const when = changedAt.toISOString();
  const announced = new Set(
    before === undefined
      ? []
      : factsOf(RecordImage.parse(before), when).map((fact) => milestoneId(record.participantId, fact)),
  );
  const about = {
    participantId: record.participantId,
    programmeId: record.programmeId,
    pathway: record.pathway,
    cohortId: record.cohortId,
    mathsHub,
  };
  return factsOf(record, when)
    .filter((fact) => !announced.has(milestoneId(record.participantId, fact)))
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((fact) => {
      const detail = {
        ...about,
        ...fact.facts,
        milestoneId: milestoneId(record.participantId, fact),
        at: fact.at,
      };
      return {
        detailType: fact.detailType,
        detail: milestoneDetails[fact.detailType].parse(detail) as MilestoneDetail,
      } as Milestone;
    });
}
