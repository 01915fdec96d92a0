import { Cohort } from '../domain/cohort.js';
import type { Participant } from '../domain/participant.js';
import { scheduleProblems } from '../domain/progress.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { movedEntry, replanCohort, underWay } from './cohort-commands.js';
import { AdminCommandRejected, type Command, type Woken } from './command.js';

/** One change to a cohort, what it was and will be, and whom it affects. */
export interface CohortChange {
  /** A step id (`day-2`, `interim-task`) or `cohort-lead`. */
  change: string;
  from: unknown;
  to: unknown;
  /** Participants under way who have not done that step yet (a day, a deadline) or, for a new lead, all under way. */
  affected: { participantId: string; name: string }[];
}

const named = ({ participantId, person }: Participant) => ({ participantId, name: person.name });

/** The changes asked for, checked against the cohort: every step known, of its kind, the schedule in order. */
function plannedChanges(cohort: Cohort, command: Command<'edit-cohort'>, participants: Participant[]) {
  const schedule = { ...cohort.schedule };
  const changes: CohortChange[] = [];
  for (const [stepId, asked] of Object.entries(command.schedule ?? {})) {
    const current = cohort.schedule[stepId];
    if (!current) throw new AdminCommandRejected(`Cohort ${cohort.cohortId} has no step "${stepId}"`);
    if ('starts' in current !== 'starts' in asked)
      throw new AdminCommandRejected(
        `"${stepId}" needs ${'starts' in current ? 'starts, ends and venue' : 'a deadline'}`,
      );
    schedule[stepId] = movedEntry(current, asked);
    const affected = participants.filter((p) => !p.progress[stepId]).map(named);
    changes.push({ change: stepId, from: current, to: schedule[stepId], affected });
  }
  const edited = Cohort.parse({
    ...cohort,
    schedule,
    ...(command.cohortLead && { cohortLead: command.cohortLead }),
  });
  const problems = scheduleProblems(programmeById(cohort.programmeId), edited);
  if (problems.length) throw new AdminCommandRejected(`Cohort schedule: ${problems.join('; ')}`);
  if (command.cohortLead)
    changes.push({
      change: 'cohort-lead',
      from: cohort.cohortLead,
      to: edited.cohortLead,
      affected: participants.map(named),
    });
  return { edited, changes };
}

/**
 * Edits a cohort's days (times, venue), deadlines and cohort lead, all checked together. With `preview`
 * nothing changes: the answer says what would, and whom it affects. Applied, everyone under way
 * re-plans at once (a moved day's invites update); a retry changes nothing more.
 */
export async function editCohort(command: Command<'edit-cohort'>, deps: Dependencies) {
  const cohort = await deps.store.cohorts.get(command.cohortId);
  if (!cohort) throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  if (!command.schedule && !command.cohortLead)
    throw new AdminCommandRejected('Nothing to change: give a schedule or a cohort lead');
  const participants = (await deps.store.participants.inCohort(cohort.cohortId)).filter(underWay);
  const { edited, changes } = plannedChanges(cohort, command, participants);
  const answer = {
    command: 'edit-cohort' as const,
    cohortId: cohort.cohortId,
    preview: command.preview,
    changes,
  };
  if (command.preview) return answer;
  if (command.cohortLead) await deps.store.cohorts.setCohortLead(cohort.cohortId, edited.cohortLead);
  for (const { change } of changes) {
    const entry = edited.schedule[change];
    if (entry) await deps.store.cohorts.updateSchedule(cohort.cohortId, change, entry);
  }
  const woken: Woken = await replanCohort(cohort.cohortId, deps);
  return { ...answer, ...woken };
}
