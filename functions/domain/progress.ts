import type { Cohort } from './cohort.js';
import type { Participant, StepOutcome } from './participant.js';
import type { Programme, ProgrammeStep, StepKind, StepOf } from './programme.js';
import { londonTime } from './time.js';

/**
 * Where a participant stands in their programme, worked out from the record alone: the first step
 * without a final outcome is where they are. A restarted or redeployed execution therefore resumes
 * exactly where the person is, and a deferred participant skips what they completed in their old cohort.
 */
export type Position =
  | { at: ProgrammeStep; attempt: number }
  | { finished: 'accredited' | 'not-accredited' | 'completed' };

const isSubmission = (o?: StepOutcome): o is Extract<StepOutcome, { outcome: 'submitted' }> =>
  o?.outcome === 'submitted';
export const isAssessmentDecision = (
  o?: StepOutcome,
): o is Extract<StepOutcome, { outcome: 'accredited' | 'resubmit' | 'not-accredited' }> =>
  o?.outcome === 'accredited' || o?.outcome === 'resubmit' || o?.outcome === 'not-accredited';

/** 1 until the assessor asks for a resubmission; then the framework and its assessment go round again. */
export function currentAttempt(programme: Programme, participant: Participant): number {
  const assessment = programme.steps.find((s) => s.kind === 'assessment');
  const decision = assessment && participant.progress[assessment.id];
  return isAssessmentDecision(decision) && decision.outcome === 'resubmit' ? decision.attempt + 1 : 1;
}

function isDone(step: ProgrammeStep, outcome: StepOutcome | undefined, attempt: number): boolean {
  switch (step.kind) {
    case 'development-day':
    case 'formative-feedback':
    case 'task':
      return outcome !== undefined;
    case 'framework-submission':
      return isSubmission(outcome) && outcome.attempt >= attempt;
    case 'assessment':
      return isAssessmentDecision(outcome) && outcome.outcome !== 'resubmit';
  }
}

export function position(programme: Programme, participant: Participant): Position {
  const attempt = currentAttempt(programme, participant);
  const at = programme.steps.find((step) => !isDone(step, participant.progress[step.id], attempt));
  if (at) return { at, attempt };
  const assessment = programme.steps.find((s) => s.kind === 'assessment');
  if (!assessment) return { finished: 'completed' };
  const decision = participant.progress[assessment.id];
  return { finished: decision?.outcome === 'accredited' ? 'accredited' : 'not-accredited' };
}

export interface DevelopmentDayTimes {
  starts: Date;
  ends: Date;
  venue: string;
  sequence: number;
}

export function dayTimes(step: StepOf<'development-day'>, cohort: Cohort): DevelopmentDayTimes {
  const entry = cohort.schedule[step.id];
  if (!entry || !('starts' in entry))
    throw new Error(`Cohort ${cohort.cohortId} has no dates for ${step.id}`);
  return {
    starts: londonTime(entry.starts),
    ends: londonTime(entry.ends),
    venue: entry.venue,
    sequence: entry.sequence,
  };
}

type Submittable = StepOf<'task'> | StepOf<'framework-submission'>;

/** The deadline that applies to this participant: an extension or a resubmission date beats the cohort's. */
export function deadlineFor(
  step: Submittable,
  cohort: Cohort,
  participant: Participant,
  programme: Programme,
): Date {
  const own = participant.deadlines[step.id];
  if (own) return londonTime(own);
  const assessment = programme.steps.find((s) => s.kind === 'assessment');
  const decision = assessment && participant.progress[assessment.id];
  if (step.kind === 'framework-submission' && isAssessmentDecision(decision) && decision.resubmitBy)
    return londonTime(decision.resubmitBy);
  const entry = cohort.schedule[step.id];
  if (!entry || !('deadline' in entry))
    throw new Error(`Cohort ${cohort.cohortId} has no deadline for ${step.id}`);
  return londonTime(entry.deadline);
}

/** Problems with a cohort's schedule for its programme, worded for the admin who wrote it. */
export function scheduleProblems(programme: Programme, cohort: Cohort): string[] {
  const problems: string[] = [];
  let previous = '';
  for (const step of programme.steps) {
    const entry = cohort.schedule[step.id];
    if (step.kind === 'development-day') {
      if (!entry || !('starts' in entry)) problems.push(`${step.id}: give its starts, ends and venue`);
      else if (entry.starts < previous) problems.push(`${step.id}: starts before the step it follows`);
      else previous = entry.ends;
    } else if (step.kind === 'task' || step.kind === 'framework-submission') {
      if (!entry || !('deadline' in entry)) problems.push(`${step.id}: give its deadline`);
      else if (entry.deadline < previous) problems.push(`${step.id}: deadline is before the day it follows`);
      else previous = entry.deadline;
    }
  }
  return problems;
}

export function stepById<K extends StepKind>(programme: Programme, id: string, kind: K): StepOf<K> {
  const step = programme.steps.find((s) => s.id === id);
  if (step?.kind !== kind) throw new Error(`${programme.id} has no ${kind} step "${id}"`);
  return step as StepOf<K>;
}
