import { Cohort } from '../domain/cohort.js';
import type { Participant } from '../domain/participant.js';
import { scheduleProblems } from '../domain/progress.js';
import { programmeById, programmes } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command, wakeEach } from './command.js';

export async function createCohort(cohort: Cohort, { store }: Dependencies): Promise<AdminResult> {
  const programme = programmes.get(cohort.programmeId);
  if (!programme) throw new AdminCommandRejected(`No programme "${cohort.programmeId}"`);
  if (!programme.pathways.includes(cohort.pathway))
    throw new AdminCommandRejected(`${programme.name} has no ${cohort.pathway} pathway`);
  const problems = scheduleProblems(programme, cohort);
  if (problems.length) throw new AdminCommandRejected(`Cohort schedule: ${problems.join('; ')}`);
  const created = await store.cohorts.create(cohort);
  if (!created) {
    const existing = await store.cohorts.get(cohort.cohortId);
    if (JSON.stringify(existing) !== JSON.stringify(Cohort.parse(cohort)))
      throw new AdminCommandRejected(`Cohort ${cohort.cohortId} already exists with different details`);
  }
  return { command: 'create-cohort', cohortId: cohort.cohortId, created };
}

/** Moves a cohort's day or deadline, earlier or later; every running execution of the cohort follows it. */
export async function changeDate(command: Command<'change-date'>, deps: Dependencies): Promise<AdminResult> {
  const cohort = await deps.store.cohorts.get(command.cohortId);
  if (!cohort) throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const current = cohort.schedule[command.stepId];
  if (!current) throw new AdminCommandRejected(`Cohort ${cohort.cohortId} has no step "${command.stepId}"`);
  if ('starts' in current !== 'starts' in command.schedule)
    throw new AdminCommandRejected(
      `"${command.stepId}" needs ${'starts' in current ? 'starts, ends and venue' : 'a deadline'}`,
    );
  const entry = movedEntry(current, command.schedule);
  const changed = Cohort.parse({ ...cohort, schedule: { ...cohort.schedule, [command.stepId]: entry } });
  const problems = scheduleProblems(programmeById(cohort.programmeId), changed);
  if (problems.length) throw new AdminCommandRejected(`Cohort schedule: ${problems.join('; ')}`);
  await deps.store.cohorts.updateSchedule(
    cohort.cohortId,
    command.stepId,
    changed.schedule[command.stepId] ?? entry,
  );
  return {
    command: 'change-date',
    cohortId: cohort.cohortId,
    ...(await replanCohort(cohort.cohortId, deps)),
  };
}

type ScheduleEntry = Cohort['schedule'][string];

/**
 * A schedule entry as moved: a development day's calendar sequence goes up, so invites update rather
 * than duplicate; run again with the same day (a retry), it stays, so nobody gets a second update.
 */
export function movedEntry(current: ScheduleEntry, schedule: Command<'change-date'>['schedule']) {
  const unchanged =
    'starts' in current &&
    'starts' in schedule &&
    current.starts === schedule.starts &&
    current.ends === schedule.ends &&
    current.venue === schedule.venue;
  return 'starts' in schedule
    ? { ...schedule, sequence: ('sequence' in current ? current.sequence : 0) + (unchanged ? 0 : 1) }
    : schedule;
}

/** Those of a cohort whose programme is under way: they plan from the cohort's dates. */
export const underWay = (participant: Participant) =>
  !participant.withdrawal &&
  (participant.stage === 'ready-for-development-days' || participant.stage === 'in-programme');

/** After the cohort's dates moved: everyone under way re-plans at once; the others have nothing to move. */
export async function replanCohort(cohortId: string, deps: Dependencies) {
  const participants = (await deps.store.participants.inCohort(cohortId)).filter(underWay);
  for (const participant of participants) await deps.store.participants.change(participant.participantId);
  return wakeEach(participants, deps);
}
