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
import { DAY, londonTime } from '../../functions/domain/time.js';
import { programmeById } from '../../functions/programmes/index.js';
import { startLocalSystem } from '../../infra/local/system.js';
import { pdLeadSchedule, testCohort } from '../support/local-system.js';

const { values } = parseArgs({ options: { participants: { type: 'string', default: '20' } } });
const count = Number(values.participants);

const system = await startLocalSystem({ retryIntervalMs: 0 });
const schedule = pdLeadSchedule(system.clock.now());
const lead = testCohort.cohortLead.email;
// The test cohort's programme, pathway and lead, with a hub of its own and dated from the local clock.
await system.admin({
  command: 'create-cohort',
  cohort: {
    ...testCohort,
    cohortId: 'bench-cohort',
    mathsHub: 'Bench Maths Hub',
    name: 'Bench cohort',
    startsOn: schedule['day-1'].starts.slice(0, 10),
    schedule,
  },
});

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
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 10));
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

const advanceTo = (local: string, plusMs = 60_000) => {
  const by = londonTime(local).getTime() + plusMs - system.clock.now().getTime();
  if (by > 0) system.clock.advance(by);
};

const phases: [string, number][] = [];
let mark = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases.push([name, now - mark]);
  mark = now;
};
const started = performance.now();

const people = Array.from({ length: count }, (_, i) => ({
  email: `bench-${i}@school.test`,
  leader: `head-${i}@school.test`,
}));
const enrolled = await Promise.all(
  people.map(
    async (p) =>
      (await system.admin({
        command: 'enrol-participant',
        cohortId: 'bench-cohort',
        participant: { name: `Participant ${p.email}`, email: p.email },
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

const attendance = async (day: 'day-1' | 'day-2', nth: number) => {
  advanceTo(schedule[day].starts, -13 * DAY);
  await parked(arns, 'AtDevelopmentDay');
  advanceTo(schedule[day].ends);
  const [register] = await linksFor([lead], /record attendance/, nth);
  await post(
    register as string,
    Object.fromEntries(enrolled.map((e) => [`attendance-${e.participantId}`, 'attended'])),
  );
};
await attendance('day-1', 1);
for (const link of await linksFor(
  people.map((p) => p.email),
  /Please submit your Interim task/,
))
  await post(link, { plan: 'Plan', whatHappened: 'What happened', evaluation: 'Evaluation' });
phase('day 1 and interim task');

const feedbackLinks = await until('feedback asks', async () => {
  const asks = (await emails()).filter((e) => /Please give feedback/.test(e.subject));
  return asks.length === count
    ? asks.map((e) => e.body.text?.match(/https?:\/\/\S+\/r\/[\w-]+/)?.[0] ?? '')
    : undefined;
});
for (const link of feedbackLinks) await post(link, { feedback: 'Good work.' });
await parked(arns, 'AtDevelopmentDay');
phase('formative feedback');

await attendance('day-2', 2);
for (const link of await linksFor(
  people.map((p) => p.email),
  /Please submit your Planning/,
))
  await post(link, { planning: 'Planning', evaluation: 'Evaluation', reflection: 'Reflection' });
phase('day 2 and framework');

const assessLinks = await until('assessment asks', async () => {
  const asks = (await emails()).filter((e) => /Please assess/.test(e.subject));
  return asks.length === count
    ? asks.map((e) => e.body.text?.match(/https?:\/\/\S+\/r\/[\w-]+/)?.[0] ?? '')
    : undefined;
});
for (const link of assessLinks) await post(link, { decision: 'accredited' });
await until('every execution accredited', () =>
  arns.every((arn) => system.stepFunctions.describeExecution(arn).status === 'SUCCEEDED') ? true : undefined,
);
phase('assessment and accreditation');

const programmeTransitions = arns.reduce(
  (n, arn) => n + system.stepFunctions.describeExecution(arn).statesEntered.length,
  0,
);
const programmeTotal = performance.now() - started;

// The first accredited year: every lead reports on each term and re-registers, by the emailed links.
const accreditedYears = () =>
  system.stepFunctions
    .listExecutions()
    .filter((e) => e.stateMachineArn === system.stateMachineArns.AccreditedYears);
const yearsParked = (state: string) =>
  until(`every lead's accredited years at ${state}`, () => {
    const running = accreditedYears().filter((e) => e.status === 'RUNNING');
    return running.length === count &&
      running.every((e) => e.statesEntered.at(-1) === state) &&
      system.clock.pendingTimers >= count
      ? true
      : undefined;
  });
const advanceToInstant = (instant: Date) => {
  const by = instant.getTime() + 60_000 - system.clock.now().getTime();
  if (by > 0) system.clock.advance(by);
};
await yearsParked('Accredited');
const first = await system.dependencies.store.getParticipant(enrolled[0]?.participantId ?? '');
const accreditedAt = new Date(first?.accreditation?.accreditedAt ?? '');
const plan = programmeById('ncetm-pd-lead').accreditation;
if (!plan) throw new Error('The PD Lead programme accredits');
mark = performance.now();
for (const term of termlyReports(accreditedAt, plan.termlyFeedback)) {
  advanceToInstant(term.asksAt);
  await yearsParked('AtTermlyFeedback');
  for (const link of await linksFor(
    people.map((p) => p.email),
    new RegExp(`impact for the ${term.title}`),
  ))
    await post(link, { teachers: '12', schools: '3', pdLed: 'Work groups', impact: 'Pupils reason more' });
  await yearsParked('Accredited');
}
phase('three termly reports');
advanceToInstant(reRegistrationYear(accreditedAt, 1, plan.reRegistration).asksAt);
await yearsParked('AtReRegistration');
const reRegistrations = await linksFor(
  people.map((p) => p.email),
  /Please re-register/,
);
for (const [i, link] of reRegistrations.entries())
  await post(link, {
    name: `Participant ${i}`,
    email: people[i]?.email ?? '',
    organisation: 'Bench School',
    teachers: '40',
    schools: '6',
    commit: 'yes',
  });
await yearsParked('Accredited');
phase('re-registration');

const total = performance.now() - started;
const yearsTransitions = accreditedYears().reduce((n, e) => n + e.statesEntered.length, 0);
const transitions = programmeTransitions + yearsTransitions;
const sent = (await emails()).length;
await system.stop();

const ms = (n: number) => `${n.toFixed(0).padStart(7)} ms`;
console.log(
  `\nWhole NCETM PD Lead programme and first accredited year, ${count} participants in one cohort, on the local system\n`,
);
for (const [name, took] of phases) console.log(`  ${name.padEnd(30)} ${ms(took)}`);
console.log(`  ${'total'.padEnd(30)} ${ms(total)}`);
console.log(`\n  programme, per participant     ${ms(programmeTotal / count)}`);
console.log(`  programme and year, per lead   ${ms(total / count)}`);
console.log(
  `  programme state transitions    ${String(programmeTransitions).padStart(7)} (${(programmeTransitions / count).toFixed(1)} each)`,
);
console.log(
  `  accredited-year transitions    ${String(yearsTransitions).padStart(7)} (${(yearsTransitions / count).toFixed(1)} each, ${accreditedYears().length} executions)`,
);
console.log(
  `  state transitions              ${String(transitions).padStart(7)} (${(transitions / count).toFixed(1)} each)`,
);
console.log(
  `  emails sent                    ${String(sent).padStart(7)} (${(sent / count).toFixed(1)} each)`,
);
console.log(
  `  peak memory (RSS)              ${String(Math.round(process.resourceUsage().maxRSS / 1024)).padStart(7)} MB\n`,
);
