import { z } from 'zod';
import { isAccreditedYearsAsk, nextReRegistration } from '../domain/accredited-years.js';
import { FINAL_STAGES, Participant, Person, participantIdFor, SeniorLeader } from '../domain/participant.js';
import { Cohort, DaySchedule, DeadlineSchedule } from '../domain/programme.js';
import { scheduleProblems } from '../domain/progress.js';
import { commitmentRequestId, isExpired, type RequestKind, stepRequestId } from '../domain/request.js';
import { LOCAL_DATE_TIME, londonTime } from '../domain/time.js';
import { accreditedYearsExecutionName } from '../lifecycle/execution.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import { programmeById, programmes } from '../programmes/index.js';
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
  z.object({
    command: z.literal('grant-extension'),
    participantId: z.string().min(1),
    stepId: z.string().min(1),
    /** The new deadline, as a London time like 2027-03-12T17:00. */
    until: z.string().regex(LOCAL_DATE_TIME, 'a London time like 2027-03-12T17:00'),
  }),
  z.object({
    command: z.literal('change-date'),
    cohortId: z.string().min(1),
    stepId: z.string().min(1),
    /** A development day's new times and venue, or a submission's new deadline. */
    schedule: z.union([DaySchedule, DeadlineSchedule]),
  }),
  z.object({
    command: z.literal('withdraw-participant'),
    participantId: z.string().min(1),
    reason: z.string().trim().min(1).max(1000),
  }),
  z.object({
    command: z.literal('correct-email'),
    participantId: z.string().min(1),
    /** Whose address: the participant's own, or their senior leader's. */
    whose: z.enum(['participant', 'senior-leader']),
    email: Person.shape.email,
  }),
  z.object({
    command: z.literal('reinstate-accreditation'),
    participantId: z.string().min(1),
    reason: z.string().trim().min(1).max(1000),
    /** The new deadline for the missed re-registration, as a London time like 2028-03-01T17:00. */
    reRegisterBy: z.string().regex(LOCAL_DATE_TIME, 'a London time like 2028-03-01T17:00'),
  }),
  z.object({
    command: z.literal('reach-report'),
    cohortId: z.string().min(1),
  }),
  z.object({
    command: z.literal('defer-participant'),
    participantId: z.string().min(1),
    toCohortId: z.string().min(1),
    reason: z.string().trim().min(1).max(1000),
  }),
]);
export type AdminCommand = z.infer<typeof AdminCommand>;

/** A command the data says no to: answered with a reason, never half-done. */
export class AdminCommandRejected extends Error {
  override name = 'AdminCommandRejected';
}

export type AdminResult =
  | { command: 'create-cohort'; cohortId: string; created: boolean }
  | { command: 'grant-extension' | 'withdraw-participant'; participantId: string }
  | { command: 'correct-email'; participantId: string; askedAgain: string[] }
  | { command: 'reinstate-accreditation'; participantId: string; executionArn: string }
  | { command: 'reach-report'; cohortId: string; leads: LeadReach[] }
  | { command: 'change-date'; cohortId: string; participantsWoken: number }
  | { command: 'defer-participant'; participantId: string; executionArn: string }
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
    case 'grant-extension':
      return grantExtension(command, deps);
    case 'change-date':
      return changeDate(command, deps);
    case 'withdraw-participant':
      return withdrawParticipant(command, deps);
    case 'correct-email':
      return correctEmail(command, deps);
    case 'reinstate-accreditation':
      return reinstateAccreditation(command, deps);
    case 'reach-report':
      return reachReport(command, deps);
    case 'defer-participant':
      return deferParticipant(command, deps);
  }
}

async function createCohort(cohort: Cohort, { store }: Dependencies): Promise<AdminResult> {
  const programme = programmes.get(cohort.programmeId);
  if (!programme) throw new AdminCommandRejected(`No programme "${cohort.programmeId}"`);
  if (!programme.pathways.includes(cohort.pathway))
    throw new AdminCommandRejected(`${programme.name} has no ${cohort.pathway} pathway`);
  const problems = scheduleProblems(programme, cohort);
  if (problems.length) throw new AdminCommandRejected(`Cohort schedule: ${problems.join('; ')}`);
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
  const { executionArn } = await workflow.startLifecycle(participantId, {
    participantId,
    cohortId: cohort.cohortId,
  });
  return { command: 'enrol-participant', participantId, executionArn, alreadyEnrolled: !created };
}

type Command<C extends AdminCommand['command']> = Extract<AdminCommand, { command: C }>;

async function participantFor(participantId: string, { store }: Dependencies) {
  const participant = await store.getParticipant(participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${participantId}"`);
  if (participant.withdrawal) throw new AdminCommandRejected(`${participant.person.name} has been withdrawn`);
  return participant;
}

/** Moves this participant's deadline; the running wait is woken and re-planned on it at once. */
async function grantExtension(command: Command<'grant-extension'>, deps: Dependencies): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  const { stepId } = command;
  const step = programmeById(participant.programmeId).steps.find((s) => s.id === stepId);
  const submittable = step?.kind === 'task' || step?.kind === 'framework-submission';
  if (!submittable && !isAccreditedYearsAsk(stepId))
    throw new AdminCommandRejected(
      `"${stepId}" is not a task or framework submission of this programme, nor an accredited lead's termly feedback or re-registration`,
    );
  if (isAccreditedYearsAsk(stepId)) {
    // Only an ask that is still open: a missed term is followed up by hand, a lapse is final.
    const ask = await deps.store.getRequest(stepRequestId(stepId, participant.participantId));
    if (participant.lapse)
      throw new AdminCommandRejected(`${participant.person.name}'s accreditation has lapsed`);
    if (ask?.status !== 'open' || participant.progress[stepId])
      throw new AdminCommandRejected(`${participant.person.name} has no open ask "${stepId}"`);
  }
  if (londonTime(command.until) <= deps.clock.now())
    throw new AdminCommandRejected('The new deadline must be in the future');
  await deps.store.setDeadline(participant.participantId, stepId, command.until);
  await wakeParticipant(participant.participantId, deps);
  return { command: 'grant-extension', participantId: participant.participantId };
}

/** Moves a cohort's day or deadline, earlier or later; every running execution of the cohort follows it. */
async function changeDate(command: Command<'change-date'>, deps: Dependencies): Promise<AdminResult> {
  const cohort = await deps.store.getCohort(command.cohortId);
  if (!cohort) throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const current = cohort.schedule[command.stepId];
  if (!current) throw new AdminCommandRejected(`Cohort ${cohort.cohortId} has no step "${command.stepId}"`);
  if ('starts' in current !== 'starts' in command.schedule)
    throw new AdminCommandRejected(
      `"${command.stepId}" needs ${'starts' in current ? 'starts, ends and venue' : 'a deadline'}`,
    );
  const entry =
    'starts' in command.schedule
      ? { ...command.schedule, sequence: ('sequence' in current ? current.sequence : 0) + 1 }
      : command.schedule;
  const changed = Cohort.parse({ ...cohort, schedule: { ...cohort.schedule, [command.stepId]: entry } });
  const problems = scheduleProblems(programmeById(cohort.programmeId), changed);
  if (problems.length) throw new AdminCommandRejected(`Cohort schedule: ${problems.join('; ')}`);
  await deps.store.updateCohortSchedule(
    cohort.cohortId,
    command.stepId,
    changed.schedule[command.stepId] ?? entry,
  );
  const participants = await deps.store.cohortParticipants(cohort.cohortId);
  for (const participant of participants) {
    await deps.store.changeParticipant(participant.participantId);
    await wakeParticipant(participant.participantId, deps);
  }
  return { command: 'change-date', cohortId: cohort.cohortId, participantsWoken: participants.length };
}

/** Ends the participant's lifecycle cleanly: no more emails; the record says why. */
async function withdrawParticipant(
  command: Command<'withdraw-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  await deps.store.changeParticipant(participant.participantId, {
    withdrawal: { reason: command.reason, at: deps.clock.now().toISOString() },
    stage: 'withdrawn',
  });
  await wakeParticipant(participant.participantId, deps);
  // Still waiting for the senior leader: that wait's token is on the commitment request, and the
  // senior leader's link now says the request has closed.
  const ask = await deps.store.getRequest(commitmentRequestId(participant.participantId));
  if (ask && (await deps.store.expireRequest(ask.requestId)) && ask.taskToken)
    await deps.workflow.completeTask(ask.taskToken, { decision: 'withdrawn' });
  return { command: 'withdraw-participant', participantId: participant.participantId };
}

/** Which asks go to whom: the senior leader signs the commitment; the participant answers their own asks. */
const askedOf: Record<Command<'correct-email'>['whose'], ReadonlySet<RequestKind>> = {
  'senior-leader': new Set(['commitment']),
  participant: new Set(['submission', 'termly-feedback', 're-registration']),
};

/**
 * A corrected address (one that bounced, or that SES now suppresses): the record takes it, and every ask
 * still open for that person goes again at once, with a new link, to the new address; the deadlines and
 * reminders already sent stay as they were. The waiting execution is woken to send it.
 */
async function correctEmail(command: Command<'correct-email'>, deps: Dependencies): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  const { participantId } = participant;
  const change =
    command.whose === 'participant'
      ? { person: { ...participant.person, email: command.email } }
      : { seniorLeader: { ...participant.seniorLeader, email: command.email } };
  await deps.store.changeParticipant(participantId, change);
  const now = deps.clock.now();
  const open = (await deps.store.participantRequests(participantId)).filter(
    (r) => askedOf[command.whose].has(r.kind) && !isExpired(r, now) && r.status === 'open',
  );
  const askedAgain: string[] = [];
  for (const request of open)
    if (await deps.store.askAgain(request.requestId)) askedAgain.push(request.requestId);
  await wakeParticipant(participantId, deps);
  // The commitment gate waits on its own request: it is told to ask again.
  const commitment = open.find((r) => r.kind === 'commitment');
  if (commitment?.taskToken)
    await deps.workflow.completeTask(commitment.taskToken, { decision: 'ask-again' });
  return { command: 'correct-email', participantId, askedAgain };
}

/**
 * Undoes a lapse (the lead re-registers late, or it was a mistake): accredited again, the missed
 * re-registration asked again with a new deadline, and their accredited years running again from the
 * record. They choose again whether to be in the directory. If they miss the new deadline, it lapses again.
 */
async function reinstateAccreditation(
  command: Command<'reinstate-accreditation'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  const plan = programmeById(participant.programmeId).accreditation;
  if (!participant.lapse || !participant.accreditation || !plan)
    throw new AdminCommandRejected(`${participant.person.name}'s accreditation has not lapsed`);
  if (londonTime(command.reRegisterBy) <= deps.clock.now())
    throw new AdminCommandRejected('The new deadline must be in the future');
  const year = nextReRegistration(
    participant,
    new Date(participant.accreditation.accreditedAt),
    plan.reRegistration,
  );
  // The deadline first: the execution started below must find it.
  await deps.store.setDeadline(participant.participantId, year.id, command.reRegisterBy);
  await deps.store.reinstate(participant.participantId, {
    reason: command.reason,
    at: deps.clock.now().toISOString(),
    lapse: participant.lapse,
  });
  const series = `reinstated-${participant.reinstatements.length + 1}`;
  const { executionArn } = await deps.workflow.startAccreditedYears(
    accreditedYearsExecutionName(participant.participantId, 1, series),
    { participantId: participant.participantId, generation: 1, series },
  );
  return { command: 'reinstate-accreditation', participantId: participant.participantId, executionArn };
}

/** One accredited lead's reported reach: each term's report and each year's re-registration, as given. */
export interface LeadReach {
  participantId: string;
  name: string;
  organisation: string;
  stage: string;
  termly: { id: string; counts: Record<string, number>; answers: Record<string, string> }[];
  reRegistrations: { id: string; counts: Record<string, number> }[];
  missed: string[];
}

/**
 * The reach and impact a cohort's accredited leads have reported, for the programme team's own reporting:
 * each lead's termly reports and re-registrations as recorded, and the asks they missed.
 */
async function reachReport(command: Command<'reach-report'>, { store }: Dependencies): Promise<AdminResult> {
  if (!(await store.getCohort(command.cohortId)))
    throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const leads = (await store.cohortParticipants(command.cohortId))
    .filter((p) => p.accreditation)
    .map((p): LeadReach => {
      const outcomes = Object.entries(p.progress);
      return {
        participantId: p.participantId,
        name: p.person.name,
        organisation: p.school,
        stage: p.stage,
        termly: outcomes.flatMap(([id, o]) =>
          o.outcome === 'reported' ? [{ id, counts: o.counts, answers: o.answers }] : [],
        ),
        reRegistrations: outcomes.flatMap(([id, o]) =>
          o.outcome === 're-registered' ? [{ id, counts: o.counts }] : [],
        ),
        missed: outcomes.flatMap(([id, o]) => (o.outcome === 'missed' ? [id] : [])),
      };
    });
  return { command: 'reach-report', cohortId: command.cohortId, leads };
}

/**
 * Carries the participant into a later cohort of the same programme, keeping what they completed: the
 * old execution ends as deferred and a new one, named for the new cohort, resumes from the record.
 */
async function deferParticipant(
  command: Command<'defer-participant'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const participant = await participantFor(command.participantId, deps);
  // Only someone still on the programme can move to a later cohort of it.
  if (FINAL_STAGES.has(participant.stage))
    throw new AdminCommandRejected(
      `${participant.person.name} has finished the programme (${participant.stage}): there is nothing to defer`,
    );
  const target = await deps.store.getCohort(command.toCohortId);
  if (!target) throw new AdminCommandRejected(`No cohort "${command.toCohortId}"`);
  if (target.programmeId !== participant.programmeId)
    throw new AdminCommandRejected(`Cohort ${target.cohortId} runs a different programme`);
  if (participant.cohortId !== target.cohortId)
    await deps.store.moveToCohort(participant, target.cohortId, command.reason, deps.clock.now());
  await wakeParticipant(participant.participantId, deps);
  const { executionArn } = await deps.workflow.startLifecycle(
    `${participant.participantId}-${target.cohortId}`,
    {
      participantId: participant.participantId,
      cohortId: target.cohortId,
    },
  );
  return { command: 'defer-participant', participantId: participant.participantId, executionArn };
}

export const Admin = defineTask({
  name: 'Admin',
  input: AdminCommand,
  run: runAdminCommand,
});
export const handler = Admin.handler();
