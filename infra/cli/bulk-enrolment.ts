import type { EnrolmentRow } from './enrolment-file.js';
import type { TokenBucket } from './token-bucket.js';
import type { AdminOutcome } from './transports.js';

/** What the service says when calls come faster than its quota allows: worth trying again later. */
const THROTTLED = /Throttl|TooManyRequests|RateExceeded|SlowDown/i;
export const isThrottled = (outcome: AdminOutcome) => !outcome.ok && THROTTLED.test(outcome.error);
/** Worth another go: throttled, or the system briefly out of reach. */
const isRetryable = (outcome: AdminOutcome) =>
  isThrottled(outcome) || (!outcome.ok && outcome.error === 'SystemUnreachable');

export interface BulkEnrolmentOptions {
  /** Every enrolment (each starts one execution) takes a token first: the StartExecution quota. */
  bucket: TokenBucket;
  /** Enrolments under way at once. */
  concurrency: number;
  /** Tries after the first, for a throttled or unreachable call. */
  retries: number;
  /** Full-jitter backoff between tries: a random wait up to base × 2^try, at most `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** After each row: how many are done (enrolled or failed). */
  onRow?: (done: number) => void;
  /** Once aborted, no further row starts; those under way finish. */
  signal?: AbortSignal;
}

export interface BulkEnrolmentReport {
  enrolled: number;
  /** Rows the system already had (enrolled meanwhile, or by a run that was interrupted). */
  alreadyEnrolled: number;
  /** Rows that could not be enrolled, with why. */
  failed: { line: number; error: string; message: string }[];
  /** Calls the service throttled (each tried again). */
  throttled: number;
  /** Rows not started because the run was interrupted. */
  notStarted: number;
}

/**
 * Enrols each row with `enrolParticipant` (the `enrol-participant` admin command), at most `concurrency`
 * at a time and no faster than the bucket allows, trying a throttled call again after a jittered pause.
 * Enrolment is idempotent (the id comes from the cohort and the email), so an interrupted run is
 * finished by running the same file again.
 */
export async function enrolRows(
  rows: EnrolmentRow[],
  enrolParticipant: (command: EnrolmentRow['command']) => Promise<AdminOutcome>,
  options: BulkEnrolmentOptions,
): Promise<BulkEnrolmentReport> {
  const report: BulkEnrolmentReport = {
    enrolled: 0,
    alreadyEnrolled: 0,
    failed: [],
    throttled: 0,
    notStarted: 0,
  };
  const random = options.random ?? Math.random;
  let next = 0;
  let done = 0;
  const enrolOne = async (row: EnrolmentRow) => {
    for (let attempt = 0; ; attempt++) {
      await options.bucket.take();
      const outcome = await enrolParticipant(row.command);
      if (isThrottled(outcome)) report.throttled += 1;
      if (outcome.ok) {
        const { alreadyEnrolled } = outcome.result as { alreadyEnrolled?: boolean };
        if (alreadyEnrolled) report.alreadyEnrolled += 1;
        else report.enrolled += 1;
        return;
      }
      if (!isRetryable(outcome) || attempt >= options.retries) {
        report.failed.push({ line: row.line, error: outcome.error, message: outcome.message });
        return;
      }
      const cap = Math.min(options.maxBackoffMs, options.baseBackoffMs * 2 ** attempt);
      await options.sleep(random() * cap);
    }
  };
  const worker = async () => {
    while (next < rows.length && !options.signal?.aborted) {
      const row = rows[next++] as EnrolmentRow;
      await enrolOne(row);
      options.onRow?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  report.notStarted = rows.length - next;
  return report;
}
