/**
 * `npm run bench`: a whole cohort through the whole programme and the first accredited year (three termly
 * reports, re-registration) on the local system, the way people use it (every answer through an emailed
 * link), timing each phase and printing the figures.
 *
 *   npm run bench -- --participants 40
 *
 * Measures the system's own work (ASL interpretation, handlers, dynalite, local SES, forms), not AWS
 * latency: use it to spot regressions in how much work a lifecycle does.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { reRegistrationYear, termlyReports } from '../../functions/domain/accredited-years.js';
import { londonTime } from '../../functions/domain/time.js';
import { programmeById } from '../../functions/programmes/index.js';
import { startLocalSystem } from '../../infra/local/system.js';
import { pdLeadSchedule, testCohort } from '../support/local-system.js';

const { values } = parseArgs({ options: { participants: { type: 'string', default: '20' } } });
const count = Number(values.participants);
const system = await startLocalSystem({ retryIntervalMs: 0 });
const lead = testCohort.cohortLead.email;

interface Email {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}
const emails = async (): Promise<Email[]> =>
  ((await (await fetch(`${system.urls.mailbox}/store`)).json()) as { emails: Email[] }).emails;

async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (performance.now() > deadline)
      throw new Error(
        `Timed out waiting for ${what}: ${JSON.stringify(system.stepFunctions.listExecutions().map((e) => [e.name, e.status, e.statesEntered.slice(-3)]))}`,
      );
    await new Promise((done) => setTimeout(done, 2));
  }
}

/** Links in the newest email to each address whose subject matches, once every address has one. */
async function linksFor(addresses: string[], subject: RegExp, nth = 1): Promise<string[]> {
  return until(`${addresses.length} × ${subject}`, async () => {
    const all = await emails();
    const links = addresses.map((to) => {
      const matching = all.filter((e) => e.destination.to.includes(to) && subject.test(e.subject));
      return matching.length >= nth
        ? matching[nth - 1]?.body.text?.match(/https?:\/\/\S+\/r\/[\w-]+/)?.[0]
        : undefined;
    });
    return links.every(Boolean) ? (links as string[]) : undefined;
  });
}

const post = async (link: string, fields: Record<string, string>) => {
  const response = await fetch(link, { method: 'POST', body: new URLSearchParams(fields) });
  if (response.status !== 200) throw new Error(`POST ${link}: ${response.status}`);
  await response.text();
};

/** Parked: every execution waits in `state` with its timer armed. */
const parked = (arns: string[], state: string) =>
  until(`all executions at ${state}`, () =>
    arns.every((arn) => system.stepFunctions.describeExecution(arn).statesEntered.at(-1) === state) &&
    system.clock.pendingTimers >= arns.length
      ? true
      : undefined,
  );

/** Moves the clock to a minute after `instant`; false if that has passed already. */
const advanceToInstant = (instant: Date) => {
  const by = instant.getTime() + 60_000 - system.clock.now().getTime();
  if (by > 0) system.clock.advance(by);
  return by > 0;
};
const advanceTo = (local: string) => advanceToInstant(londonTime(local));

/** Links in every email whose subject matches, once there are `count` of them. */
const allLinks = (subject: RegExp, count: number) =>
  until(`${count} × ${subject}`, async () => {
    const asks = (await emails()).filter((e) => subject.test(e.subject));
    return asks.length === count
      ? asks.map((e) => e.body.text?.match(/https?:\/\/\S+\/r\/[\w-]+/)?.[0] ?? '')
      : undefined;
  });

interface CohortRun {
  phases: [string, number][];
  programmeMs: number;
  totalMs: number;
  programmeTransitions: number;
  yearsTransitions: number;
  yearsExecutions: number;
  emails: number;
}

/**
 * One cohort of `count` through the programme and the first accredited year. Names, addresses and the
 * cohort's name carry `label`, so a second cohort on the same system never reads the first one's emails.
 */
async function runCohort(label: string, count: number): Promise<CohortRun> {
  const sentBefore = (await emails()).length;
  const schedule = pdLeadSchedule(system.clock.now());
  const cohortName = `Bench cohort ${label}`;
  // The test cohort's programme, pathway and lead, with a hub of its own and dated from the local clock.
  await system.admin({
    command: 'create-cohort',
    cohort: {
      ...testCohort,
      cohortId: `bench-${label}`,
      mathsHub: 'Bench Maths Hub',
      name: cohortName,
      startsOn: schedule['day-1'].starts.slice(0, 10),
      schedule,
    },
  });
  const phases: [string, number][] = [];
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases.push([name, now - mark]);
    mark = now;
  };
  const started = performance.now();

  const people = Array.from({ length: count }, (_, i) => ({
    name: `Participant ${label} ${i}`,
    email: `bench-${label}-${i}@school.test`,
    leader: `head-${label}-${i}@school.test`,
  }));
  const enrolled = await Promise.all(
    people.map(
      async (p) =>
        (await system.admin({
          command: 'enrol-participant',
          cohortId: `bench-${label}`,
          participant: { name: p.name, email: p.email },
          school: 'Bench School',
          seniorLeader: { name: 'Sam Okafor', email: p.leader, role: 'Head teacher' },
        })) as { participantId: string; executionArn: string },
    ),
  );
  const arns = enrolled.map((e) => e.executionArn);
  phase('enrol');

  await parked(arns, 'AwaitCommitment');
  for (const link of await linksFor(
    people.map((p) => p.leader),
    /Please confirm your support/,
  ))
    await post(link, { decision: 'signed', signedBy: 'Sam Okafor', role: 'Head teacher', agree: 'yes' });
  await parked(arns, 'AtDevelopmentDay');
  phase('commitment signed');

  const attendance = async (day: 'day-1' | 'day-2') => {
    advanceTo(schedule[day].starts);
    await parked(arns, 'AtDevelopmentDay');
    advanceTo(schedule[day].ends);
    const dayTitle = day === 'day-1' ? 'Development day 1' : 'Development day 2';
    const [register] = await linksFor(
      [lead],
      new RegExp(`record attendance for ${dayTitle} by .* \\(${cohortName}\\)`),
    );
    await post(
      register as string,
      Object.fromEntries(enrolled.map((e) => [`attendance-${e.participantId}`, 'attended'])),
    );
  };
  await attendance('day-1');
  for (const link of await linksFor(
    people.map((p) => p.email),
    /Please submit your Interim task/,
  ))
    await post(link, { plan: 'Plan', whatHappened: 'What happened', evaluation: 'Evaluation' });
  phase('day 1 and interim task');

  for (const link of await allLinks(new RegExp(`Please give feedback to Participant ${label} `), count))
    await post(link, { feedback: 'Good work.' });
  await parked(arns, 'AtDevelopmentDay');
  phase('formative feedback');

  await attendance('day-2');
  for (const link of await linksFor(
    people.map((p) => p.email),
    /Please submit your Planning/,
  ))
    await post(link, { planning: 'Planning', evaluation: 'Evaluation', reflection: 'Reflection' });
  phase('day 2 and framework');

  for (const link of await allLinks(new RegExp(`Please assess Participant ${label} `), count))
    await post(link, { decision: 'accredited' });
  await until('every execution accredited', () =>
    arns.every((arn) => system.stepFunctions.describeExecution(arn).status === 'SUCCEEDED')
      ? true
      : undefined,
  );
  phase('assessment and accreditation');
  const programmeMs = performance.now() - started;
  const programmeTransitions = arns.reduce(
    (n, arn) => n + system.stepFunctions.describeExecution(arn).statesEntered.length,
    0,
  );

  // The first accredited year: every lead reports on each term and re-registers, by the emailed links.
  const ids = enrolled.map((e) => e.participantId);
  const accreditedYears = () =>
    system.stepFunctions
      .listExecutions()
      .filter(
        (e) =>
          e.stateMachineArn === system.stateMachineArns.AccreditedYears &&
          ids.some((id) => e.name.startsWith(`${id}-accredited-`)),
      );
  // Which state an execution waits in depends on what is open (a re-registration can open before the
  // last term's report), so a step is done when every lead's execution has moved on and waits again.
  const WAITS = new Set(['Accredited', 'AtTermlyFeedback', 'AtReRegistration']);
  const statesSoFar = () => new Map(accreditedYears().map((e) => [e.name, e.statesEntered.length]));
  const movedOn = (before: Map<string, number>) =>
    until('every lead waiting again', () => {
      const running = accreditedYears().filter((e) => e.status === 'RUNNING');
      return running.length === count &&
        running.every(
          (e) =>
            WAITS.has(e.statesEntered.at(-1) ?? '') && e.statesEntered.length > (before.get(e.name) ?? 0),
        ) &&
        system.clock.pendingTimers >= count
        ? true
        : undefined;
    });
  /** Does `act`, then waits until every lead's execution has looked again and waits (unless it did nothing). */
  const step = async (act: () => Promise<unknown> | unknown) => {
    const before = statesSoFar();
    if ((await act()) !== false) await movedOn(before);
  };
  await movedOn(new Map());
  const first = await system.dependencies.store.participants.get(ids[0] ?? '');
  const accreditedAt = new Date(first?.accreditation?.accreditedAt ?? '');
  const plan = programmeById('ncetm-pd-lead').accreditation;
  if (!plan) throw new Error('The PD Lead programme accredits');
  mark = performance.now();
  for (const term of termlyReports(accreditedAt, plan.termlyFeedback)) {
    await step(() => advanceToInstant(term.asksAt));
    const links = await linksFor(
      people.map((p) => p.email),
      new RegExp(`impact for the ${term.title}`),
    );
    await step(async () => {
      for (const link of links)
        await post(link, {
          teachers: '12',
          schools: '3',
          pdLed: 'Work groups',
          impact: 'Pupils reason more',
        });
    });
  }
  phase('three termly reports');
  await step(() => advanceToInstant(reRegistrationYear(accreditedAt, 1, plan.reRegistration).asksAt));
  const reRegistrations = await linksFor(
    people.map((p) => p.email),
    /Please re-register/,
  );
  await step(async () => {
    for (const [i, link] of reRegistrations.entries())
      await post(link, {
        name: people[i]?.name ?? '',
        email: people[i]?.email ?? '',
        organisation: 'Bench School',
        teachers: '40',
        schools: '6',
        commit: 'yes',
      });
  });
  phase('re-registration');
  // Nothing more of this cohort runs while another is measured.
  for (const id of ids)
    await system.admin({ command: 'withdraw-participant', participantId: id, reason: 'Benchmark over' });

  return {
    phases,
    programmeMs,
    totalMs: performance.now() - started,
    programmeTransitions,
    yearsTransitions: accreditedYears().reduce((n, e) => n + e.statesEntered.length, 0),
    yearsExecutions: accreditedYears().length,
    emails: (await emails()).length - sentBefore,
  };
}

// The first participant after start also pays for loading modules and warming the JIT, as a Lambda's
// cold start would: it is timed on its own, then the cohort runs on the warm system.
const cold = await runCohort('cold', 1);
const run = await runCohort('warm', count);
await system.stop();

const ms = (n: number) => `${n.toFixed(0).padStart(7)} ms`;
const each = (n: number) => `${String(n).padStart(7)} (${(n / count).toFixed(1)} each)`;
console.log(`
NCETM PD Lead programme and first accredited year, on the local system, every answer by an emailed link

  one participant, just after start: programme ${ms(cold.programmeMs).trim()}, with the year ${ms(cold.totalMs).trim()}

  ${count} participants in one cohort, on the warm system:`);
for (const [name, took] of run.phases) console.log(`  ${name.padEnd(30)} ${ms(took)}`);
console.log(`  ${'total'.padEnd(30)} ${ms(run.totalMs)}`);
console.log(`
  programme, per participant     ${ms(run.programmeMs / count)}
  programme and year, per lead   ${ms(run.totalMs / count)}
  programme state transitions    ${each(run.programmeTransitions)}
  accredited-year transitions    ${each(run.yearsTransitions)}, ${run.yearsExecutions} executions
  emails sent                    ${each(run.emails)}
  peak memory (RSS)              ${String(Math.round(process.resourceUsage().maxRSS / 1024)).padStart(7)} MB
`);
// Every figure is printed and the system stopped: do not wait for idle sockets to time out.
process.exit(0);
