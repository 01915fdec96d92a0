/**
 * `npm run bench`: participants in cohorts of a real cohort's size, all through the whole programme and the
 * first accredited year (three termly reports, re-registration) together, on the local system, the way people use it (every answer through an emailed
 * link), the clock advanced timer by timer, timing each phase and printing, per participant-year, what
 * AWS would bill (counted by infra/local/usage.ts), its floor and its cost (cost-model.ts).
 *
 *   npm run bench -- --participants 40 [--cohort-size 25] [--json counts.json] [--init-ms 400]
 *
 * Times the system's own work (ASL interpretation, handlers, dynalite, local SES, forms), not AWS
 * latency: use it to spot regressions in how much work a lifecycle does.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { reRegistrationYear, termlyReports } from '../../functions/domain/accredited-years.js';
import { londonTime } from '../../functions/domain/time.js';
import { programmeById } from '../../functions/programmes/index.js';
import { startLocalSystem } from '../../infra/local/system.js';
import { entryOf, usage } from '../../infra/local/usage.js';
import { pdLeadSchedule, testCohort } from '../support/local-system.js';
import type { Measured } from './cost-model.js';
import { printReport } from './report.js';

const { values } = parseArgs({
  options: {
    participants: { type: 'string', default: '20' },
    // A cohort's lead answers one attendance register for the whole cohort: cohorts are of a real size
    // (PD Lead cohorts are a few dozen), so a thousand participants are forty cohorts, not one register of a thousand.
    'cohort-size': { type: 'string', default: '25' },
    // Not measurable locally (every module is loaded once): an assumed INIT per cold start, in ms.
    'init-ms': { type: 'string', default: '400' },
    // Where to write the counts as JSON, for BENCHMARKS.md and the bench's test.
    json: { type: 'string' },
  },
});
const count = Number(values.participants);
const cohortSize = Number(values['cohort-size']);
const initMs = Number(values['init-ms']);
const system = await startLocalSystem({ retryIntervalMs: 0 });
// Counting from here; what the handlers log is counted (CloudWatch Logs bytes), not printed.
usage.start(system.clock);
const lead = testCohort.cohortLead.email;

/** Time the harness spends on its own work (reading the mailbox, finding links), not the system's. */
let harnessMs = 0;
const harness = async <T>(work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    harnessMs += performance.now() - started;
  }
};

interface Email {
  messageId: string;
  at: number;
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}
/** The local SES mailbox, read incrementally (only what arrived since the last read) and indexed by recipient. */
const mailbox = (() => {
  const seen = new Set<string>();
  const byRecipient: Record<string, Email[]> = {};
  const everyone: Email[] = [];
  let since = 0;
  const read = () =>
    harness(async () => {
      const response = await fetch(`${system.urls.mailbox}/store?since=${since}`);
      for (const email of ((await response.json()) as { emails: Email[] }).emails) {
        since = Math.max(since, email.at);
        if (seen.has(email.messageId)) continue;
        seen.add(email.messageId);
        everyone.push(email);
        for (const to of email.destination.to) entryOf(byRecipient, to, () => []).push(email);
      }
    });
  return { read, to: (address: string) => byRecipient[address] ?? [], all: () => everyone };
})();

/** Once nothing moves (every Lambda returned, every execution parked), and the mailbox is read. */
const settle = async () => {
  await system.stepFunctions.settled(600_000);
  await mailbox.read();
};

const linkIn = (email: Email | undefined) =>
  email?.body.text?.match(/https?:\/\/\S+\/r\/[\w-]+(?:\.[\w-]+)*/)?.[0];

/** Whose address is whose, for telling what went wrong. */
const participantByAddress = new Map<string, string>();

/** The link in the newest email to each address whose subject matches. */
async function linksFor(addresses: string[], subject: RegExp): Promise<string[]> {
  const links = addresses.map((to) =>
    linkIn(
      mailbox
        .to(to)
        .filter((e) => subject.test(e.subject))
        .at(-1),
    ),
  );
  const missing = links.findIndex((link) => !link);
  if (missing >= 0) {
    const to = addresses[missing] ?? '';
    throw new Error(`No email to ${to} matching ${subject}${await whatWentWrong(to)}`);
  }
  return links as string[];
}

/**
 * For a run that went wrong: what the address was sent, the participant's record and executions as they
 * stand, and whether anything was still to come (a second settle): enough to tell a lost wake-up from a
 * harness that read too early.
 */
async function whatWentWrong(to: string): Promise<string> {
  const sent = () => mailbox.to(to).map((e) => `  ${e.subject}`);
  const before = sent();
  await settle();
  const after = sent();
  const participantId = participantByAddress.get(to);
  const story = participantId
    ? await system
        .admin({ command: 'show-participant', participantId })
        .catch((error: Error) => error.message)
    : 'not a participant';
  const executions = system.stepFunctions
    .listExecutions()
    .filter((e) => participantId && e.name.startsWith(participantId))
    .map(
      (e) =>
        `  ${e.name} ${e.status}${e.parked ? ` parked in ${e.parked.state}` : ''}: ${e.statesEntered.slice(-8).join(' > ')}`,
    );
  const stopped = system.stepFunctions
    .listExecutions()
    .filter((e) => e.status !== 'RUNNING' && e.status !== 'SUCCEEDED')
    .map((e) => `  ${e.name} ${e.status} at ${e.statesEntered.at(-1)}: ${e.error} ${e.cause}`);
  return [
    `\nSent to ${to}:\n${before.join('\n')}`,
    after.length > before.length
      ? `After a second settle, also:\n${after.slice(before.length).join('\n')}`
      : 'Nothing more after a second settle.',
    `Executions:\n${executions.join('\n')}`,
    `Record: ${JSON.stringify(story, null, 1)}`,
    `Executions that did not succeed (${stopped.length}):\n${stopped.slice(0, 20).join('\n')}`,
  ].join('\n');
}

/** Links in every email whose subject matches, which must be `count`. */
function allLinks(subject: RegExp, count: number): string[] {
  const asks = mailbox.all().filter((e) => subject.test(e.subject));
  if (asks.length !== count) throw new Error(`${asks.length} emails matching ${subject}, not ${count}`);
  return asks.map((e) => linkIn(e) ?? '');
}

/** As a person answers: opens the emailed link (GET shows), then sends the form (POST acts). */
const answer = async (link: string, fields: Record<string, string>) => {
  const page = await fetch(link);
  if (page.status !== 200) throw new Error(`GET ${link}: ${page.status}`);
  await page.text();
  const response = await fetch(link, { method: 'POST', body: new URLSearchParams(fields) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`POST ${link}: ${response.status} ${body}`);
};

/** Moves the clock, timer by timer, to a minute after `instant`; false if that has passed already. */
const advanceToInstant = async (instant: Date) => {
  const to = new Date(instant.getTime() + 60_000);
  if (to <= system.clock.now()) return false;
  await system.clock.advanceTimerByTimer(to, settle);
  return true;
};
const advanceTo = (local: string) => advanceToInstant(londonTime(local));

interface CohortRun {
  phases: [string, number][];
  programmeMs: number;
  totalMs: number;
  measured: Omit<Measured, 'meanDurationMs' | 'initMs'>;
  harnessMs: number;
  /** CPU time of the whole process (user and system): on a shared machine, steadier than wall time. */
  cpuMs: number;
  /** CPU time of the main thread alone: with DynamoDB in a thread of its own, the longer of the two paths. */
  mainThreadCpuMs: number;
}

/**
 * `count` participants, in cohorts of `cohortSize` on the same dates, through the programme and the first
 * accredited year, counted from zero. Names, addresses and the cohorts' names carry `label`, so a later
 * run on the same system never reads an earlier one's emails.
 */
async function runCohorts(label: string, count: number): Promise<CohortRun> {
  const schedule = pdLeadSchedule(system.clock.now());
  const cohorts = Array.from({ length: Math.ceil(count / cohortSize) }, (_, c) => ({
    cohortId: `bench-${label}-${c}`,
    name: `Bench cohort ${label} ${c}`,
  }));
  // The test cohort's programme, pathway and lead, with a hub of its own and dated from the local clock.
  for (const { cohortId, name } of cohorts)
    await system.admin({
      command: 'create-cohort',
      cohort: {
        ...testCohort,
        cohortId,
        mathsHub: 'Bench Maths Hub',
        name,
        startsOn: schedule['day-1'].starts.slice(0, 10),
        schedule,
      },
    });
  await system.tableStream.drained();
  usage.reset();
  harnessMs = 0;
  const eventsBefore = system.eventBus.events().length;
  const phases: [string, number][] = [];
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases.push([name, now - mark]);
    mark = now;
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const mainThreadCpuBefore = process.threadCpuUsage();
  const startedOn = system.clock.now();

  const people = Array.from({ length: count }, (_, i) => ({
    name: `Participant ${label} ${i}`,
    email: `bench-${label}-${i}@school.test`,
    leader: `head-${label}-${i}@school.test`,
    cohort: Math.floor(i / cohortSize),
  }));
  const enrolled = await Promise.all(
    people.map(
      async (p) =>
        (await system.admin({
          command: 'enrol-participant',
          cohortId: `bench-${label}-${p.cohort}`,
          participant: { name: p.name, email: p.email },
          school: 'Bench School',
          seniorLeader: { name: 'Sam Okafor', email: p.leader, role: 'Head teacher' },
        })) as { participantId: string; executionArn: string },
    ),
  );
  const ids = enrolled.map((e) => e.participantId);
  for (const [i, id] of ids.entries()) participantByAddress.set(people[i]?.email ?? '', id);
  phase('enrol');

  await settle();
  for (const link of await linksFor(
    people.map((p) => p.leader),
    /Please confirm your support/,
  ))
    await answer(link, { decision: 'signed', signedBy: 'Sam Okafor', role: 'Head teacher', agree: 'yes' });
  await settle();
  phase('commitment signed');

  const attendance = async (day: 'day-1' | 'day-2') => {
    await advanceTo(schedule[day].starts);
    await advanceTo(schedule[day].ends);
    const dayTitle = day === 'day-1' ? 'Development day 1' : 'Development day 2';
    for (const [c, { name }] of cohorts.entries()) {
      const [register] = await linksFor(
        [lead],
        new RegExp(`record attendance for ${dayTitle} by .* \\(${name}\\)`),
      );
      await answer(
        register as string,
        Object.fromEntries(
          enrolled
            .filter((_, i) => people[i]?.cohort === c)
            .map((e) => [`attendance-${e.participantId}`, 'attended']),
        ),
      );
    }
    await settle();
  };
  await attendance('day-1');
  for (const link of await linksFor(
    people.map((p) => p.email),
    /Please submit your Interim task/,
  ))
    await answer(link, { plan: 'Plan', whatHappened: 'What happened', evaluation: 'Evaluation' });
  await settle();
  phase('day 1 and interim task');

  for (const link of allLinks(new RegExp(`Please give feedback to Participant ${label} `), count))
    await answer(link, { feedback: 'Good work.' });
  await settle();
  phase('formative feedback');

  await attendance('day-2');
  for (const link of await linksFor(
    people.map((p) => p.email),
    /Please submit your Planning/,
  ))
    await answer(link, { planning: 'Planning', evaluation: 'Evaluation', reflection: 'Reflection' });
  await settle();
  phase('day 2 and framework');

  for (const link of allLinks(new RegExp(`Please assess Participant ${label} `), count))
    await answer(link, { decision: 'accredited' });
  await settle();
  const programmes = enrolled.map((e) => system.stepFunctions.describeExecution(e.executionArn));
  const unfinished = programmes.filter((e) => e.status !== 'SUCCEEDED');
  if (unfinished.length > 0)
    throw new Error(
      `Not accredited: ${unfinished.map((e) => `${e.name} ${e.status} at ${e.statesEntered.at(-1)}`)}`,
    );
  phase('assessment and accreditation');
  const programmeMs = performance.now() - started;

  // The first accredited year: every lead reports on each term and re-registers, by the emailed links.
  const first = await system.dependencies.store.participants.get(ids[0] ?? '');
  const accreditedAt = new Date(first?.accreditation?.accreditedAt ?? '');
  const plan = programmeById('ncetm-pd-lead').accreditation;
  if (!plan) throw new Error('The PD Lead programme accredits');
  mark = performance.now();
  for (const term of termlyReports(accreditedAt, plan.termlyFeedback)) {
    await advanceToInstant(term.asksAt);
    for (const link of await linksFor(
      people.map((p) => p.email),
      new RegExp(`impact for the ${term.title}`),
    ))
      await answer(link, {
        teachers: '12',
        schools: '3',
        pdLed: 'Work groups',
        impact: 'Pupils reason more',
      });
    await settle();
  }
  phase('three termly reports');
  await advanceToInstant(reRegistrationYear(accreditedAt, 1, plan.reRegistration).asksAt);
  for (const [i, link] of (
    await linksFor(
      people.map((p) => p.email),
      /Please re-register/,
    )
  ).entries())
    await answer(link, {
      name: people[i]?.name ?? '',
      email: people[i]?.email ?? '',
      organisation: 'Bench School',
      teachers: '40',
      schools: '6',
      commit: 'yes',
    });
  await settle();
  await system.tableStream.drained();
  phase('re-registration');

  const executions = system.stepFunctions
    .listExecutions()
    .filter((e) => ids.some((id) => e.name.startsWith(id)));
  const transitionsOf = (machine: string) =>
    executions.filter((e) => e.stateMachineArn === machine).reduce((n, e) => n + e.statesEntered.length, 0);
  const transitionsByMachine = Object.fromEntries(
    Object.entries(system.stateMachineArns).map(([name, arn]) => [name, transitionsOf(arn)]),
  );
  const run: CohortRun = {
    phases,
    programmeMs,
    totalMs: performance.now() - started,
    cpuMs: ((cpu) => (cpu.user + cpu.system) / 1000)(process.cpuUsage(cpuBefore)),
    mainThreadCpuMs: ((cpu) => (cpu.user + cpu.system) / 1000)(process.threadCpuUsage(mainThreadCpuBefore)),
    measured: {
      participants: count,
      days: (system.clock.now().getTime() - startedOn.getTime()) / 86_400_000,
      executions: executions.length,
      events: system.eventBus.events().length - eventsBefore,
      transitionsByMachine,
      usage: usage.snapshot(),
    },
    harnessMs,
  };
  // Nothing more of this cohort runs while another is measured.
  for (const id of ids)
    await system.admin({ command: 'withdraw-participant', participantId: id, reason: 'Benchmark over' });
  await settle();
  return run;
}

// The first participant after start also pays for loading modules and warming the JIT, as a Lambda's
// cold start would: it is timed on its own. A second, alone on the warm system, gives each function's
// duration without others in flight (Lambda runs one invocation per environment); then the cohort runs.
// With --participants 1 (a quick check) the first is all there is: its durations include the warm-up.
const cold = await runCohorts('cold', 1);
const solo = count === 1 ? cold : await runCohorts('solo', 1);
const run = count === 1 ? cold : await runCohorts('warm', count);
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
await system.stop();
usage.stop();

const meanDurationMs = Object.fromEntries(
  Object.entries(solo.measured.usage.functions).map(([name, f]) => [name, f.durationMs / f.invocations]),
);
const measured: Measured = { ...run.measured, meanDurationMs, initMs };
printReport({ count, cohortSize, cold, run, measured, rssMb });
if (values.json)
  writeFileSync(
    values.json,
    `${JSON.stringify({ measured, rssMb, totalMs: run.totalMs, cpuMs: run.cpuMs, mainThreadCpuMs: run.mainThreadCpuMs }, null, 2)}\n`,
  );
// Every figure is printed and the system stopped: do not wait for idle sockets to time out.
process.exit(0);
