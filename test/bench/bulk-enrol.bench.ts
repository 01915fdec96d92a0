/**
 * `npm run bench:enrol`: `pd-admin enrol`'s client side against a simulated Step Functions StartExecution
 * quota (a token bucket on the service's side that throttles whatever finds it empty), for a generated
 * spreadsheet of 10,000 rows. Prints the throttled calls, the rows that failed (the goal: none), and the
 * total time against the quota's minimum, (rows − burst) / refill.
 *
 *   npm run bench:enrol -- --rows 10000 --burst 800 --refill 150 --concurrency 32 --latency-ms 40
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { enrolRows } from '../../infra/cli/bulk-enrolment.js';
import { checkEnrolmentFile } from '../../infra/cli/enrolment-file.js';
import { realClock, TokenBucket } from '../../infra/cli/token-bucket.js';
import type { AdminOutcome } from '../../infra/cli/transports.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    burst: { type: 'string', default: '800' },
    refill: { type: 'string', default: '150' },
    concurrency: { type: 'string', default: '32' },
    'latency-ms': { type: 'string', default: '40' },
  },
});
const rows = Number(values.rows);
const burst = Number(values.burst);
const refill = Number(values.refill);
const latencyMs = Number(values['latency-ms']);

const header = 'Name,Email,School,Senior leader name,Senior leader email,Senior leader role,Pathway';
const csv = [
  header,
  ...Array.from(
    { length: rows },
    (_, i) => `P ${i},p${i}@bench.test,School ${i},Head ${i},head${i}@bench.test,Head,primary`,
  ),
].join('\n');
let started = performance.now();
const checked = checkEnrolmentFile(new TextEncoder().encode(csv), {
  cohortId: 'bench-cohort',
  pathway: 'primary',
  enrolledHere: new Map(),
  enrolledElsewhere: new Map(),
});
const checkSeconds = (performance.now() - started) / 1000;
if (checked.bad.length || checked.toEnrol.length !== rows)
  throw new Error('The generated file should be all good rows');

// The service: each call takes its latency (half before the quota is looked at), and StartExecution
// throttles a call that finds the bucket empty, as Step Functions does.
const quota = new TokenBucket({ burst, refillPerSecond: refill });
const jittered = () => latencyMs * (0.5 + Math.random());
const startExecution = async (): Promise<AdminOutcome> => {
  await realClock.sleep(jittered() / 2);
  const allowed = quota.tryTake();
  await realClock.sleep(jittered() / 2);
  return allowed
    ? { ok: true, result: { alreadyEnrolled: false } }
    : { ok: false, error: 'ThrottlingException', message: 'Rate exceeded' };
};

started = performance.now();
const report = await enrolRows(checked.toEnrol, startExecution, {
  bucket: new TokenBucket({ burst, refillPerSecond: refill }),
  concurrency: Number(values.concurrency),
  retries: 8,
  baseBackoffMs: 100,
  maxBackoffMs: 20_000,
  sleep: realClock.sleep,
});
const seconds = (performance.now() - started) / 1000;
const minimum = Math.max(0, rows - burst) / refill;

console.log(`rows: ${rows} (checked in ${checkSeconds.toFixed(2)} s)`);
console.log(
  `quota: burst ${burst}, refill ${refill}/s; client: concurrency ${values.concurrency}, latency ~${latencyMs} ms`,
);
console.log(`enrolled: ${report.enrolled}`);
console.log(`throttled calls (tried again): ${report.throttled}`);
console.log(`throttling failures: ${report.failed.filter((f) => f.error === 'ThrottlingException').length}`);
console.log(`other failures: ${report.failed.filter((f) => f.error !== 'ThrottlingException').length}`);
console.log(
  `total time: ${seconds.toFixed(2)} s; the quota's minimum: ${minimum.toFixed(2)} s (${((seconds / minimum - 1) * 100).toFixed(1)}% over)`,
);
