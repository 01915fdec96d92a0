import { z } from 'zod';
import { Participant, Person, participantIdFor, SeniorLeader } from '../domain/participant.js';
import { Cohort } from '../domain/programme.js';
import { programmes } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { defineTask } from '../shared/task-handler.js';

/**
 * What a programme admin can ask of the system. In AWS they invoke this function from the console or
 * `aws lambda invoke`; locally `npm run enrol` posts the same JSON.
 */
export const AdminCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('create-cohort'), cohort: Cohort }),
  z.object({
    command: z.literal('enrol-participant'),
    cohortId: z.string().min(1),
    participant: Person,
    school: z.string().trim().min(1).max(200),
    seniorLeader: SeniorLeader,
  }),
]);
export type AdminCommand = z.infer<typeof AdminCommand>;

/** A command the data says no to: answered with a reason, never half-done. */
export class AdminCommandRejected extends Error {
  override name = 'AdminCommandRejected';
}

export type AdminResult =
  | { command: 'create-cohort'; cohortId: string; created: boolean }
  | {
      command: 'enrol-participant';
      participantId: string;
      executionArn: string;
      alreadyEnrolled: boolean;
    };

export async function runAdminCommand(command: AdminCommand, deps: Dependencies): Promise<AdminResult> {
  switch (command.command) {
    case 'create-cohort':
      return createCohort(command.cohort, deps);
    case 'enrol-participant':
      return enrolParticipant(command, deps);
  }
}

async function createCohort(cohort: Cohort, { store }: Dependencies): Promise<AdminResult> {
  const programme = programmes.get(cohort.programmeId);
  if (!programme) throw new AdminCommandRejected(`No programme "${cohort.programmeId}"`);
  if (!programme.pathways.includes(cohort.pathway))
    throw new AdminCommandRejected(`${programme.name} has no ${cohort.pathway} pathway`);
  const created = await store.createCohort(cohort);
  if (!created) {
    const existing = await store.getCohort(cohort.cohortId);
    if (JSON.stringify(existing) !== JSON.stringify(Cohort.parse(cohort)))
      throw new AdminCommandRejected(`Cohort ${cohort.cohortId} already exists with different details`);
  }
  return { command: 'create-cohort', cohortId: cohort.cohortId, created };
}

async function enrolParticipant(
  command: Extract<AdminCommand, { command: 'enrol-participant' }>,
  { store, workflow, clock }: Dependencies,
): Promise<AdminResult> {
  const cohort = await store.getCohort(command.cohortId);
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
    stage: 'awaiting-commitment',
    enrolledAt: clock.now().toISOString(),
  });
  const created = await store.createParticipant(participant);
  // Starting is idempotent by name, so a retry after a failed start simply starts it now.
  const { executionArn } = await workflow.startLifecycle(participantId, { participantId });
  return { command: 'enrol-participant', participantId, executionArn, alreadyEnrolled: !created };
}

export const Admin = defineTask({
  name: 'Admin',
  input: AdminCommand,
  run: runAdminCommand,
});
export const handler = Admin.handler();
