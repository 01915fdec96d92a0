/** What `npm run bench` prints: timings of the run, then counts, floors and cost per participant-year. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { KEEP_WARM_MS } from '../../infra/local/usage.js';
import { cost, dailyPolling, floor, type Measured, totals } from './cost-model.js';

/** Where and when the figures were taken: they are only comparable on the same machine and load. */
export const machine = () =>
  `${new Date().toISOString()}: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`;

interface Timed {
  phases: [string, number][];
  programmeMs: number;
  totalMs: number;
  harnessMs: number;
  cpuMs: number;
  /** Of it, the local system's own thread (the functions, Step Functions, the other services). */
  mainThreadCpuMs: number;
}

const ms = (n: number) => `${n.toFixed(0).padStart(7)} ms`;
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1)).padStart(8);
const usd = (n: number) => `$${n.toFixed(6)}`.padStart(11);
/** `{a: 3, b: 1}` as "a 3, b 1", largest first, each per participant. */
const breakdown = (counts: Record<string, number>, per: number) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${Number((n / per).toFixed(1))}`)
    .join(', ');

export function printReport({
  count,
  cohortSize,
  cold,
  run,
  measured,
  rssMb,
}: {
  count: number;
  cohortSize: number;
  cold: Timed;
  run: Timed;
  measured: Measured;
  rssMb: number;
}) {
  const t = totals(measured);
  const least = floor(measured, t);
  const per = (n: number) => n / count;
  const line = (name: string, n: number, rest = '') =>
    console.log(`  ${name.padEnd(30)} ${num(per(n))}${rest}`);
  const ratio = (n: number, of: number) => `   floor ${num(per(of))}   ${(n / of).toFixed(2)}× the floor`;

  console.log(`
${machine()}

NCETM PD Lead programme and first accredited year, on the local system, every answer by an emailed link
(opened, then sent), the clock advanced timer by timer

  one participant, just after start: programme ${ms(cold.programmeMs).trim()}, with the year ${ms(cold.totalMs).trim()}

  ${count} participants in cohorts of ${Math.min(count, cohortSize)}, together, on the warm system:`);
  for (const [name, took] of run.phases) console.log(`  ${name.padEnd(30)} ${ms(took)}`);
  console.log(`  ${'total'.padEnd(30)} ${ms(run.totalMs)}
  of which the harness's own work ${ms(run.harnessMs)} (reading the mailbox, finding links)
  CPU time (user and system)     ${ms(run.cpuMs)}
    of which the main thread     ${ms(run.mainThreadCpuMs)} (the rest: DynamoDB's thread, GC and I/O threads)
  CPU per participant            ${ms(run.cpuMs / count)}
  programme, per participant     ${ms(run.programmeMs / count)}
  programme and year, per lead   ${ms(run.totalMs / count)}
  peak memory (RSS)              ${String(rssMb).padStart(7)} MB

Per participant-year (the programme and the first accredited year: ${measured.days.toFixed(0)} days on the local clock)`);
  const { wakeUps } = measured.usage;
  line('state transitions', t.transitions, ratio(t.transitions, least.transitions));
  console.log(`    by state machine             ${breakdown(measured.transitionsByMachine, count)}`);
  line(
    'wake-ups of a parked execution',
    wakeUps.answer + wakeUps.timer,
    `   answers ${per(wakeUps.answer).toFixed(1)}, timers ${per(wakeUps.timer).toFixed(1)}, necessary ${per(wakeUps.necessary).toFixed(1)}`,
  );
  const functions = measured.usage.functions;
  const invocations = Object.fromEntries(Object.entries(functions).map(([name, f]) => [name, f.invocations]));
  line('Lambda invocations', t.invocations, `   cold starts ${per(t.coldStarts).toFixed(1)}`);
  console.log(`    by function                  ${breakdown(invocations, count)}`);
  line('Lambda GB-s (512 MB)', t.gbSeconds, `   INIT assumed ${measured.initMs} ms per cold start`);
  line('DynamoDB calls', t.dynamodbCalls, ratio(t.dynamodbCalls, least.dynamodbCalls));
  console.log(`    by operation                 ${breakdown(t.dynamodbByOperation, count)}`);
  line(
    'DynamoDB request units',
    t.readUnits + t.writeUnits,
    `   read ${per(t.readUnits).toFixed(1)}, write ${per(t.writeUnits).toFixed(1)}`,
  );
  line('emails sent', t.emails);
  line('HTTP requests (API Gateway)', t.requests, `   ${breakdown(measured.usage.requests, count)}`);
  line('log bytes (CloudWatch Logs)', t.logBytes);
  line('X-Ray traces', t.invocations);
  line('EventBridge events', t.events);

  const polling = dailyPolling(measured, t);
  const here = cost(measured, t);
  const there = cost(measured, polling);
  console.log(`
Cost per participant-year, USD at eu-west-2 prices   this design  daily polling`);
  for (const [name, value] of Object.entries(here.lines))
    console.log(
      `  ${name.padEnd(48)} ${usd(per(value))} ${usd(per(there.lines[name as keyof typeof there.lines]))}`,
    );
  console.log(`  ${'total (target ≤ $0.005)'.padEnd(48)} ${usd(per(here.total))} ${usd(per(there.total))}
  (daily polling: the same events plus one empty wake-up a day per participant, ${per(polling.transitions - t.transitions).toFixed(0)} transitions more;
   cold start: an environment idle over ${KEEP_WARM_MS / 60_000} minutes of clock time; durations measured with one participant alone)
`);
}
