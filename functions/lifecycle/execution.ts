import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Participant } from '../domain/participant.js';
import { addDays } from '../domain/time.js';
import type { NamedExecution } from '../shared/workflow.js';

/**
 * Facts about the running execution that the lifecycle steps need, and how one execution hands over to
 * the next. A Standard execution must end within a year (and 25,000 history events): an older one hands
 * over to a new execution, which resumes from the participant record. Waits are at most a week, so the age
 * is checked at least weekly.
 */
export const HAND_OVER_AFTER_DAYS = 300;

/** What the execution was started with, and when: read from the context object, so any input works. */
export const ExecutionFacts = z.object({
  input: z.object({
    cohortId: z.string().min(1).optional(),
    generation: z.number().int().positive().optional(),
    /** Accredited years only: which run of executions this is (`accredited`, or `reinstated-<n>`). */
    series: z
      .string()
      .regex(/^[a-z0-9-]{1,24}$/)
      .optional(),
  }),
  startedAt: z.iso.datetime({ offset: true }),
});
export type ExecutionFacts = z.infer<typeof ExecutionFacts>;

export const dueForHandOver = (execution: ExecutionFacts, now: Date) =>
  now >= addDays(new Date(execution.startedAt), HAND_OVER_AFTER_DAYS);

/** A programme execution's name: unique per participant, cohort and generation, within Step Functions' 80 characters. */
export function continuationName(participantId: string, cohortId: string, generation: number): string {
  const cohort = createHash('sha256').update(cohortId).digest('hex').slice(0, 8);
  return `${participantId}-${cohort}-${generation}`;
}

/**
 * An accredited-years execution's name: the first starts at accreditation, each hands over to the next.
 * A reinstatement starts a series of its own, so its hand-overs never meet the names already used.
 */
export const accreditedYearsExecutionName = (
  participantId: string,
  generation: number,
  series = 'accredited',
) => `${participantId}-${series}-${generation}`;

/** A participant's first execution is named by the participant alone: enrolling twice cannot start two. */
export const enrolmentExecution = (participantId: string): NamedExecution => ({
  workflow: 'ParticipantLifecycle',
  name: participantId,
});

export const programmeExecution = (
  participantId: string,
  cohortId: string,
  generation: number,
): NamedExecution => ({
  workflow: 'ParticipantLifecycle',
  name: continuationName(participantId, cohortId, generation),
});

export const accreditedYearsExecution = (
  participantId: string,
  generation: number,
  series?: string,
): NamedExecution => ({
  workflow: 'AccreditedYears',
  name: accreditedYearsExecutionName(participantId, generation, series),
});

/**
 * What an execution the record names is started with, read back from its name (as the functions above
 * build it): one recorded but never started is then started exactly as intended, and the next one after
 * it takes the next generation, so no name is ever used twice.
 */
export function executionInput(participant: Participant, execution: NamedExecution) {
  const { participantId } = participant;
  const [, series = 'accredited', generation = '1'] =
    /^-(.+)-(\d+)$/.exec(execution.name.slice(participantId.length)) ?? [];
  return execution.workflow === 'ParticipantLifecycle'
    ? { participantId, cohortId: participant.cohortId, generation: Number(generation) }
    : { participantId, generation: Number(generation), series };
}

/**
 * The execution the record names. Records from before executions were recorded name none: theirs is
 * the one started at enrolment, or at accreditation for an accredited lead.
 */
export const currentExecution = (participant: Participant): NamedExecution =>
  participant.execution ??
  (participant.accreditation
    ? accreditedYearsExecution(participant.participantId, 1)
    : enrolmentExecution(participant.participantId));
