import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { AdminCommandRejected, type Command } from './command.js';

export interface ScheduledStep {
  stepId: string;
  title: string;
  kind: string;
  /** A development day's London times and venue. */
  starts?: string;
  ends?: string;
  venue?: string;
  residential?: boolean;
  /** A submission's deadline, as a London time. */
  deadline?: string;
  /** Feedback and assessment follow what they are about: dated by it, not by the schedule. */
  follows?: string;
}

/** A cohort's programme, step by step, with each day's times and venue and each deadline. */
export async function showSchedule(command: Command<'show-schedule'>, { store }: Dependencies) {
  const cohort = await store.cohorts.get(command.cohortId);
  if (!cohort) throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const steps = programmeById(cohort.programmeId).steps.map((step): ScheduledStep => {
    const entry = cohort.schedule[step.id];
    const dated =
      entry && 'starts' in entry
        ? { starts: entry.starts, ends: entry.ends, venue: entry.venue }
        : entry && { deadline: entry.deadline };
    return {
      stepId: step.id,
      title: step.title,
      kind: step.kind,
      ...dated,
      ...(step.kind === 'development-day' && { residential: step.residential }),
      ...(step.kind === 'formative-feedback' && { follows: step.on }),
      ...(step.kind === 'assessment' && { follows: step.of }),
    };
  });
  return { command: 'show-schedule' as const, cohortId: cohort.cohortId, name: cohort.name, steps };
}
