import * as z from 'zod';
import { Pathway } from '../functions/domain/pathway.js';

/**
 * Milestones in a participant's lifecycle, published to our own EventBridge bus so that a Maths Hub's
 * systems can subscribe with a rule of their own, without touching this code. Each is defined here once:
 * its detail-type and the zod schema of its detail. A detail holds ids and facts only (no name, address
 * or answer): a subscriber looks people up with their own rights.
 */
export const MILESTONE_BUS_NAME = 'pd-accreditation';
export const MILESTONE_SOURCE = 'pd-accreditation.lifecycle';

/** Whose milestone and where they were, on every detail. */
const About = z.strictObject({
  /**
   * The same for every delivery of one milestone (EventBridge gives each PutEvents a fresh event id, and a
   * retried stream batch publishes again): what a subscriber de-duplicates on.
   */
  milestoneId: z.string().min(1).max(200),
  participantId: z.string().regex(/^p-[a-z0-9-]+$/),
  programmeId: z.string().min(1),
  pathway: Pathway,
  cohortId: z.string().min(1),
  /** The Maths Hub running the cohort ("national" for the national body). */
  mathsHub: z.string().min(1),
  /** When it happened (when it was recorded, for what the record keeps no time of). */
  at: z.iso.datetime(),
});
const AtStep = About.extend({ stepId: z.string().min(1) });
const Attempt = z.number().int().positive();
/** Reach reported by an accredited lead: how many teachers, schools, … (numbers, as the programme asks). */
const Counts = z.record(z.string(), z.number().int().nonnegative());

export const milestoneDetails = {
  ParticipantEnrolled: About,
  CommitmentSigned: About,
  CommitmentDeclined: About,
  CommitmentExpired: About,
  DevelopmentDayAttended: AtStep,
  DevelopmentDayMissed: AtStep,
  TaskSubmitted: AtStep.extend({ attempt: Attempt }),
  FeedbackGiven: AtStep,
  FrameworkSubmitted: AtStep.extend({ attempt: Attempt }),
  ParticipantAssessed: AtStep.extend({
    attempt: Attempt,
    outcome: z.enum(['accredited', 'resubmit', 'not-accredited']),
  }),
  ParticipantAccredited: About,
  /** A programme without an assessment (Primary Mastery Specialist) was completed. */
  ProgrammeCompleted: About,
  TermlyReportGiven: AtStep.extend({ counts: Counts }),
  TermlyReportMissed: AtStep,
  ReRegistered: AtStep.extend({ counts: Counts }),
  AccreditationLapsed: About,
  AccreditationReinstated: About,
  ParticipantWithdrawn: About,
  /** Moved to a later cohort: `cohortId` (and `mathsHub`) is the cohort they moved to. */
  ParticipantDeferred: About.extend({ fromCohortId: z.string().min(1) }),
} as const;

export type MilestoneType = keyof typeof milestoneDetails;
export const MILESTONE_TYPES = Object.keys(milestoneDetails) as MilestoneType[];
export type MilestoneDetail<T extends MilestoneType = MilestoneType> = z.infer<(typeof milestoneDetails)[T]>;
export type Milestone = {
  [T in MilestoneType]: { detailType: T; detail: MilestoneDetail<T> };
}[MilestoneType];

/** The detail checked against its detail-type's schema: what the publisher sends and tests expect. */
export const parseMilestone = (detailType: MilestoneType, detail: unknown) =>
  milestoneDetails[detailType].parse(detail);

/**
 * The event pattern (as CDK's `EventPattern`) for a rule on the milestone bus: the given milestones (all of
 * them when none given), optionally narrowed by detail fields, e.g. `{ mathsHub: ['North Star Maths Hub'] }`.
 */
export function milestonePattern(
  detailTypes: readonly MilestoneType[] = MILESTONE_TYPES,
  detail?: Partial<Record<keyof MilestoneDetail, string[]>>,
) {
  return {
    source: [MILESTONE_SOURCE],
    detailType: [...detailTypes],
    ...(detail && { detail }),
  };
}
