import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { CohortSummary } from '../../functions/admin/list-cohorts.js';
import type { ParticipantRow } from '../../functions/admin/list-participants.js';
import { type BulkEnrolmentReport, enrolRows } from './bulk-enrolment.js';
import { type BadRow, checkEnrolmentFile, type EnrolmentContext } from './enrolment-file.js';
import { formatFailure } from './output.js';
import type { CliEnvironment } from './program.js';
import { realClock, TokenBucket } from './token-bucket.js';
import { type AdminTransport, EXIT, exitCodeFor } from './transports.js';

export interface EnrolOptions {
  cohort: string;
  csv: string;
  burst: number;
  refill: number;
  concurrency: number;
  retries: number;
  json: boolean;
}

/** Someone who no longer holds a place: they may be enrolled in another cohort. */
const LEFT: ReadonlySet<string> = new Set(['withdrawn', 'commitment-declined', 'commitment-expired']);

/** Thrown with the admin command's failure, to end the enrolment with its exit code. */
class CommandFailed extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** What the system holds already: the cohort, who is in it, and who is on another cohort of its programme. */
async function enrolmentContext(
  transport: AdminTransport,
  cohortId: string,
  io: CliEnvironment,
  json: boolean,
) {
  const run = async <T>(command: object): Promise<T> => {
    const outcome = await transport.send(command);
    if (outcome.ok) return outcome.result as T;
    io.stderr(formatFailure(outcome, json));
    throw new CommandFailed(exitCodeFor(outcome));
  };
  const participantsOf = async (id: string) =>
    (await run<{ participants: ParticipantRow[] }>({ command: 'list-participants', cohortId: id }))
      .participants;
  const { cohorts } = await run<{ cohorts: (CohortSummary & { programmeId: string })[] }>({
    command: 'list-cohorts',
  });
  const cohort = cohorts.find((c) => c.cohortId === cohortId);
  if (!cohort) {
    io.stderr(`Refused: No cohort "${cohortId}"`);
    throw new CommandFailed(EXIT.refused);
  }
  const context: EnrolmentContext = {
    cohortId,
    pathway: cohort.pathway,
    enrolledHere: new Map((await participantsOf(cohortId)).map((p) => [p.participantId, { name: p.name }])),
    enrolledElsewhere: new Map(),
  };
  for (const other of cohorts.filter((c) => c.programmeId === cohort.programmeId && c.cohortId !== cohortId))
    for (const p of await participantsOf(other.cohortId))
      if (!LEFT.has(p.stage)) context.enrolledElsewhere.set(p.email.toLowerCase(), other.cohortId);
  return context;
}

const badRowLines = (bad: BadRow[]) =>
  bad.map(({ line, reasons }) => `  line ${line}: ${reasons.join('; ')}`);

/**
 * `pd-admin enrol --cohort C --csv file.csv`: checks every row, refuses the whole file if any is bad,
 * then enrols those not yet enrolled, no faster than Step Functions' StartExecution quota allows.
 */
export async function enrolFromSpreadsheet(
  transport: AdminTransport,
  options: EnrolOptions,
  io: CliEnvironment,
): Promise<number> {
  let context: EnrolmentContext;
  try {
    context = await enrolmentContext(transport, options.cohort, io, options.json);
  } catch (error) {
    if (error instanceof CommandFailed) return error.code;
    throw error;
  }
  const checked = checkEnrolmentFile(await readFile(options.csv), context);
  if (checked.bad.length) {
    io.stderr(
      options.json
        ? JSON.stringify({ error: 'BadRows', badRows: checked.bad }, null, 2)
        : [
            `Nothing enrolled: ${checked.bad.length} bad row(s) in ${options.csv}`,
            ...badRowLines(checked.bad),
          ].join('\n'),
    );
    return EXIT.invalidInput;
  }
  const bar =
    io.interactive && !options.json ? new SingleBar({ etaBuffer: 200, clearOnComplete: false }) : undefined;
  bar?.start(checked.toEnrol.length, 0);
  const interrupted = new AbortController();
  const stop = () => interrupted.abort();
  process.once('SIGINT', stop);
  let report: BulkEnrolmentReport;
  try {
    report = await enrolRows(checked.toEnrol, (command) => transport.send(command), {
      bucket: new TokenBucket({ burst: options.burst, refillPerSecond: options.refill }),
      concurrency: options.concurrency,
      retries: options.retries,
      baseBackoffMs: 100,
      maxBackoffMs: 20_000,
      sleep: realClock.sleep,
      onRow: (done) => bar?.update(done),
      signal: interrupted.signal,
    });
  } finally {
    process.off('SIGINT', stop);
    bar?.stop();
  }
  const summary = {
    ...report,
    skipped: checked.alreadyEnrolled.length,
    rows: checked.toEnrol.length + checked.alreadyEnrolled.length,
  };
  io.stdout(
    options.json
      ? JSON.stringify(summary, null, 2)
      : [
          `Enrolled ${report.enrolled} in ${options.cohort}; ${summary.skipped + report.alreadyEnrolled} already enrolled.`,
          ...(report.failed.length
            ? [
                `Not enrolled: ${report.failed.length}`,
                ...report.failed.map((f) => `  line ${f.line}: ${f.error}: ${f.message}`),
              ]
            : []),
          ...(report.notStarted
            ? [`Interrupted: ${report.notStarted} not started. Run the same command again to finish.`]
            : []),
        ].join('\n'),
  );
  if (report.notStarted) return 130;
  if (report.failed.some((f) => f.error === 'AdminCommandRejected')) return EXIT.refused;
  return report.failed.length ? EXIT.internal : EXIT.ok;
}
