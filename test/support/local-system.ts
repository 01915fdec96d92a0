import { expect, vi } from 'vitest';
import { daysFromNow, pdLeadSchedule } from '../../infra/local/demo-schedule.js';
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from '../../infra/local/system.js';

/**
 * Systems still stopping. A worker's files share its modules (vitest.config.ts), aws-ses-v2-local's one
 * mailbox per process among them: a file whose stop outlived its hook (after a failure, with hundreds of
 * executions to abort) must be stopped before the next file's system starts, or its emails land there.
 */
const stopping = new Set<Promise<void>>();

/** Starts a local system once every earlier one has stopped. */
export async function startSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  await Promise.allSettled(stopping);
  const system = await startLocalSystem(options);
  const stop = system.stop.bind(system);
  system.stop = () => {
    const stopped = stop();
    stopping.add(stopped);
    void stopped.then(
      () => stopping.delete(stopped),
      () => stopping.delete(stopped),
    );
    return stopped;
  };
  return system;
}

/** The whole local system, with retries that do not pause, for one test file. */
export const startTestSystem = () => startSystem({ retryIntervalMs: 0 });

export { daysFromNow, pdLeadSchedule };

export const testCohort = {
  cohortId: 'test-north-primary',
  programmeId: 'ncetm-pd-lead',
  pathway: 'primary',
  mathsHub: 'North Star Maths Hub',
  name: 'North primary PD Leads',
  cohortLead: { name: 'Casey Lead', email: 'cohort-lead@hub.test' },
  startsOn: '2027-01-15',
  schedule: pdLeadSchedule(),
};

export const createCohort = (system: LocalSystem) =>
  system.admin({ command: 'create-cohort', cohort: testCohort });

/**
 * Enrols a participant whose senior leader's address is derived from theirs, so tests never share a
 * mailbox. Asha Patel of Hillside Primary unless the test needs someone else (two on one register).
 */
export async function enrol(
  system: LocalSystem,
  {
    email,
    name = 'Asha Patel',
    school = 'Hillside Primary',
  }: { email: string; name?: string; school?: string },
  cohortId = testCohort.cohortId,
) {
  const leader = `head-of-${email}`;
  const result = (await system.admin({
    command: 'enrol-participant',
    cohortId,
    participant: { name, email },
    school,
    seniorLeader: { name: 'Sam Okafor', email: leader, role: 'Head teacher' },
  })) as { participantId: string; executionArn: string };
  return { ...result, participant: email, leader };
}

export interface SentEmail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments?: { contentType: string; content: string }[];
}

/** The local SES mailbox, as a test reads it. */
export function mailbox(system: LocalSystem) {
  const all = async (): Promise<SentEmail[]> =>
    ((await (await fetch(`${system.urls.mailbox}/store`)).json()) as { emails: SentEmail[] }).emails;
  const to = async (address: string) => (await all()).filter((e) => e.destination.to.includes(address));
  return {
    all,
    emailsTo: to,
    /** The newest email to `address` whose subject matches, once it arrives. */
    async waitForEmail(address: string, subject: RegExp, timeout = 10_000): Promise<SentEmail> {
      return vi.waitFor(
        async () => {
          const found = (await to(address)).filter((e) => subject.test(e.subject)).at(-1);
          if (!found) throw new Error(`No email to ${address} matching ${subject}`);
          return found;
        },
        { timeout, interval: 20 },
      );
    },
  };
}

/** The form link in an email's plain-text body. */
export function linkIn(email: SentEmail): string {
  const link = email.body.text?.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*/)?.[0];
  if (!link) throw new Error(`No form link in "${email.subject}"`);
  return link;
}

type Execution = ReturnType<LocalSystem['stepFunctions']['describeExecution']>;

/** Looks at the execution every 20 ms until `notYet` has nothing to say against it (or `timeout` ends). */
async function waitForExecution(
  system: LocalSystem,
  executionArn: string,
  notYet: (execution: Execution) => string | undefined,
  timeout: number,
) {
  await vi.waitFor(
    () => {
      const problem = notYet(system.stepFunctions.describeExecution(executionArn));
      if (problem) throw new Error(problem);
    },
    { timeout, interval: 20 },
  );
}

export const waitForStatus = (system: LocalSystem, executionArn: string, status: string, timeout = 10_000) =>
  waitForExecution(
    system,
    executionArn,
    (execution) =>
      execution.status === status ? undefined : `Execution is ${execution.status}, not ${status}`,
    timeout,
  );

/** Waits until the execution is parked in `state` (a waiting Task), e.g. AtDevelopmentDay. */
export const waitForState = (system: LocalSystem, executionArn: string, state: string, timeout = 10_000) =>
  waitForExecution(
    system,
    executionArn,
    (execution) =>
      execution.parked?.state === state
        ? undefined
        : `Execution is at ${execution.statesEntered.at(-1)} (${execution.status}), not waiting at ${state}`,
    timeout,
  );

/**
 * The execution the participant record names (the one that carries them on), which must be running:
 * whatever starts an execution records its name first.
 */
export async function recordedExecution(system: LocalSystem, participantId: string) {
  const named = (await system.dependencies.store.participants.get(participantId))?.execution;
  expect(named, `${participantId} names no execution`).toBeDefined();
  const execution = system.stepFunctions
    .listExecutions()
    .find(
      (e) =>
        e.stateMachineArn === system.stateMachineArns[named?.workflow ?? 'ParticipantLifecycle'] &&
        e.name === named?.name,
    );
  expect(execution?.status, `${named?.name} is not running`).toBe('RUNNING');
  expect(named?.name.length).toBeLessThanOrEqual(80);
  expect(named?.name).toMatch(/^[A-Za-z0-9_-]+$/);
  return execution as NonNullable<typeof execution>;
}
