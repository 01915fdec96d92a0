import { Participant, participantIdFor } from '../domain/participant.js';
import { enrolmentExecution, executionInput } from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/** Every place of a limited cohort is taken. */
export class CohortFull extends AdminCommandRejected {}

export async function enrolParticipant(
  command: Command<'enrol-participant'>,
  { store, workflow, clock }: Dependencies,
): Promise<AdminResult> {
  const cohort = await store.cohorts.get(command.cohortId);
  if (!cohort) throw new AdminCommandRejected(`No cohort "${command.cohortId}": create it first`);
  const participantId = participantIdFor(cohort.cohortId, command.participant.email);
  const participant = Participant.parse({
    participantId,
    person: command.participant,
    school: command.school,
    seniorLeader: command.seniorLeader,
    programmeId: cohort.programmeId,
    pathway: cohort.pathway,
    cohortId: cohort.cohortId,
    mathsHub: cohort.mathsHub,
    stage: 'awaiting-commitment',
    enrolledAt: clock.now().toISOString(),
    execution: enrolmentExecution(participantId),
  });
  // A place first, by participant (a retry takes none again): no enrolment beyond the cohort's capacity.
  if (cohort.capacity && !(await store.cohorts.takePlace(cohort.cohortId, participantId)))
    throw new CohortFull(`Cohort ${cohort.cohortId} is full: all ${cohort.capacity} places are taken`);
  // The record names its execution before it starts; starting is idempotent by that name, so a retry
  // after a failed start simply starts it now.
  const created = await store.participants.create(participant);
  const { executionArn } = await workflow.startExecution(
    enrolmentExecution(participantId),
    executionInput(participant, enrolmentExecution(participantId)),
  );
  return { command: 'enrol-participant', participantId, executionArn, alreadyEnrolled: !created };
}
