import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Participant } from '../domain/participant.js';
import { secondsUntil } from '../domain/request.js';
import { addDays } from '../domain/time.js';
import type { NamedExecution } from '../shared/workflow.js';
import { AsksToRead } from './look.js';

/**
 * Facts about the running execution that the lifecycle steps need, and how one execution hands over to
 * the next. A Standard execution must end within a year (and 25,000 history events): an older one hands
 * over to a new execution, which resumes from the participant record. A wait sleeps until the next thing
 * is due, but never past the execution's hand-over instant, so it wakes then at the latest and hands over.
 */
export const HAND_OVER_AFTER_DAYS = 300;

/** What the execution was started with, and when: read from the context object, so any input works. */
export const ExecutionFacts = z.object({
  input: z.object({
    /** The cohort it runs for (the participant's, for accredited years): absent from older executions' input. */
    cohortId: z.string().min(1).optional(),
    /** The asks its first look may chase, as the execution it took over from foresaw them. */
    asksToRead: AsksToRead.optional(),
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

/** When the execution hands over at the latest: its waits end by then. */
export const handOverAt = (execution: ExecutionFacts): Date =>
  addDays(new Date(execution.startedAt), HAND_OVER_AFTER_DAYS);

/**
 * Whether the execution hands over now rather than wait: it has reached its hand-over instant, or the
 * next thing due falls after it and a new execution could sleep until that in one wait. Handing over at
 * a look that happens anyway saves waking at the hand-over instant with nothing else to do; a new
 * execution never hands over at once (nothing due is past its own hand-over instant yet), so they
 * cannot chain.
 */
export function handsOverNow(execution: ExecutionFacts, now: Date, nextDue?: Date): boolean {
  const latest = handOverAt(execution);
  if (now >= latest) return true;
  return nextDue !== undefined && nextDue > latest && nextDue < addDays(now, HAND_OVER_AFTER_DAYS);
}

/** Seconds a wait sleeps: until the next thing due, or the execution's hand-over instant if that is sooner. */
export function waitSecondsUntil(execution: ExecutionFacts, now: Date, nextDue?: Date): number {
  const latest = handOverAt(execution);
  return secondsUntil(nextDue && nextDue < latest ? nextDue : latest, now);
}

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
  const input = { participantId, cohortId: participant.cohortId, generation: Number(generation) };
  return execution.workflow === 'ParticipantLifecycle' ? input : { ...input, series };
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
