import { addDays } from '../domain/time.js';
import { invitationsCloseAt } from '../domain/waiting-list.js';
import { HAND_OVER_AFTER_DAYS } from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/** The execution inviting for a cohort: generation 1, then one more each time a stopped one is replaced. */
const invitationsExecution = (cohortId: string, generation: number) => ({
  workflow: 'WaitingListInvitations' as const,
  name: `${cohortId}-invitations-${generation}`,
});

/**
 * Opens a cohort with a capacity to its pathway's waiting list: an execution invites people in the order
 * they joined until the cohort is full or starts. Run again, it leaves a running one be; one that stopped
 * (failed, aborted) is replaced by the next generation, which carries on from the records.
 */
export async function inviteFromWaitlist(
  command: Command<'invite-from-waitlist'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const { store, workflow, clock } = deps;
  const cohort = await store.cohorts.get(command.cohortId);
  if (!cohort) throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  if (!cohort.capacity)
    throw new AdminCommandRejected(`Cohort ${cohort.cohortId} has no capacity: give it one to invite people`);
  // An execution must end within a year: invitations end when the cohort starts.
  if (invitationsCloseAt(cohort) > addDays(clock.now(), HAND_OVER_AFTER_DAYS))
    throw new AdminCommandRejected(
      `Cohort ${cohort.cohortId} starts too far ahead: invite within ${HAND_OVER_AFTER_DAYS} days of its start`,
    );
  const recorded = (await store.cohortInvitations.get(cohort.cohortId))?.execution;
  const state = recorded ? await workflow.describeExecution(recorded) : 'NOT_STARTED';
  if (recorded && state === 'RUNNING')
    return {
      command: 'invite-from-waitlist',
      cohortId: cohort.cohortId,
      execution: recorded,
      alreadyRunning: true,
    };
  const generation = recorded && state !== 'NOT_STARTED' ? Number(recorded.name.split('-').at(-1)) + 1 : 1;
  const execution = invitationsExecution(cohort.cohortId, generation);
  // Intent first: the cohort names the execution, then it is started by that name (idempotent).
  await store.cohortInvitations.record({
    cohortId: cohort.cohortId,
    programmeId: cohort.programmeId,
    pathway: cohort.pathway,
    execution,
  });
  await workflow.startExecution(execution, { cohortId: cohort.cohortId });
  return { command: 'invite-from-waitlist', cohortId: cohort.cohortId, execution, alreadyRunning: false };
}
