import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import type { z } from 'zod';
import { AdminCommand } from '../../functions/admin/admin-commands.js';
import { connect, type LambdaClientFactory, type TargetOptions } from './connect.js';
import { enrolFromSpreadsheet } from './enrol-command.js';
import { formatFailure, formatResult } from './output.js';
import { writeProgrammeReport } from './report-command.js';
import { commanderOption, commandFromOptions, fieldOptions, OptionValueInvalid } from './schema-options.js';
import { summaries } from './summaries.js';
import { type AdminOutcome, type AdminTransport, EXIT, exitCodeFor } from './transports.js';

/** What the CLI touches outside itself: its output, the AWS client, whether a person is at the terminal. */
export interface CliEnvironment {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  lambdaClient: LambdaClientFactory;
  /** Asks a yes/no question; absent when nobody can answer (not a terminal). */
  confirm?: (question: string) => Promise<boolean>;
  /** Progress bars go to a terminal only. */
  interactive: boolean;
}

export const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.ok}  done
  ${EXIT.internal}  the system failed (not your input): try again, or see its logs
  ${EXIT.invalidInput}  bad input: each wrong field is listed with why
  ${EXIT.refused}  refused: the data says no (no such cohort, already withdrawn …); nothing changed
  ${EXIT.unreachable}  cannot reach the system (local system not running; AWS credentials, profile or function)

Where commands go: the local system when \`npm start\` is running (or --local, --url), otherwise the
Admin function on AWS with your own credentials (--profile, --region, --function-name).`;

/** Thrown to end the run with an exit code, after its message was written. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs `pd-admin` with `argv` (as process.argv), answering with the exit code. */
export async function runCli(argv: string[], io: CliEnvironment): Promise<number> {
  const program = adminProgram(io);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Exit) return error.code;
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    if (error instanceof OptionValueInvalid) {
      io.stderr(`Bad input:\n  ${error.message}`);
      return EXIT.invalidInput;
    }
    if ((error as Error).name === 'SystemUnreachable') {
      io.stderr((error as Error).message);
      return EXIT.unreachable;
    }
    io.stderr(`The CLI failed (not your input): ${(error as Error).stack ?? error}`);
    return EXIT.internal;
  }
}

function adminProgram(io: CliEnvironment): Command {
  const program = new Command('pd-admin')
    .description("The programme admin's commands, against the local system or the Admin function on AWS")
    .option('--json', 'print JSON, for scripts')
    .option('--local', 'the local system (`npm start`); the default when it is running')
    .option('--url <url>', 'the local system at this address')
    .option('--aws', 'the Admin function on AWS')
    .option('--profile <profile>', 'your AWS profile (implies --aws)')
    .option('--region <region>', 'the AWS region')
    .option(
      '--function-name <name>',
      'the Admin function (the stack output AdminFunctionName; implies --aws)',
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text.trimEnd()),
      writeErr: (text) => io.stderr(text.trimEnd()),
    });

  const root = () => program.opts<TargetOptions & { json?: boolean }>();
  const target = () => connect(root(), io.env, io.lambdaClient);
  /** Prints what came back and ends with its exit code. */
  const finish = (outcome: AdminOutcome) => {
    if (outcome.ok) io.stdout(formatResult(outcome.result, Boolean(root().json)));
    else io.stderr(formatFailure(outcome, Boolean(root().json)));
    const code = exitCodeFor(outcome);
    if (code !== EXIT.ok) throw new Exit(code);
  };

  for (const schema of AdminCommand.options) addAdminCommand(program, schema, { io, target, finish, root });
  addLocalCommands(program, { io, target, finish });
  program
    .command('enrol')
    .description('Enrol a whole cohort from a spreadsheet (CSV), every row checked before anyone is enrolled')
    .requiredOption('--cohort <cohortId>', 'the cohort to enrol them in')
    .requiredOption('--csv <file>', 'the spreadsheet, saved as CSV (UTF-8, or Excel’s CSV)')
    .addOption(new Option('--burst <n>', 'StartExecution bucket size').default(800).argParser(Number))
    .addOption(new Option('--refill <n>', 'StartExecution refill per second').default(150).argParser(Number))
    .addOption(new Option('--concurrency <n>', 'enrolments under way at once').default(32).argParser(Number))
    .addOption(new Option('--retries <n>', 'tries again for a throttled call').default(8).argParser(Number))
    .addHelpText(
      'after',
      `
Columns (first row, any order): name, email, school, senior leader name, senior leader email,
and optionally senior leader role and pathway. A file with any bad row is refused whole, each bad row
listed by line with why. Running the same file again enrols only those not yet enrolled.
The rate limit is Step Functions' StartExecution quota (eu-west-2: burst 800, refill 150 per second).
${EXIT_CODES_HELP}`,
    )
    .action(async (options) => {
      const transport = await target();
      const code = await enrolFromSpreadsheet(transport, { ...options, json: Boolean(root().json) }, io);
      if (code !== EXIT.ok) throw new Exit(code);
    });
  program
    .command('report')
    .description('The programme report: a funnel per cohort, who is overdue, termly reach; as HTML and CSV')
    .option('--html <file>', 'one self-contained HTML file (opens with no network)')
    .option('--csv <file>', 'the figures as CSV, for the programme team’s returns')
    .option('--cohort-ids <ids...>', 'only these cohorts (default: every cohort)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options) => finish(await writeProgrammeReport(await target(), options, io)));
  return program;
}

interface Wiring {
  io: CliEnvironment;
  target: () => Promise<AdminTransport>;
  finish: (outcome: AdminOutcome) => void;
  root: () => { json?: boolean };
}

/** The command as a JSON file (`--input`): one that cannot be read is the admin's input, not a failure. */
async function commandFile(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new OptionValueInvalid('--input', (error as Error).message);
  }
}

/** One subcommand per admin command, its options derived from its schema (see schema-options.ts). */
function addAdminCommand(program: Command, schema: z.ZodObject, { io, target, finish, root }: Wiring) {
  const name = String((schema.shape.command as z.ZodLiteral).value);
  const fields = fieldOptions(schema);
  const previews = 'preview' in schema.shape;
  const command = program
    .command(name)
    .description(summaries[name as AdminCommand['command']] ?? `The admin command ${name}`)
    .option('--input <file>', 'the command as JSON (a file); options given as well override it')
    .addHelpText('after', EXIT_CODES_HELP);
  for (const field of fields) command.addOption(commanderOption(field));
  if (previews) command.option('--yes', 'apply without asking, after the preview');
  command.action(async (values: Record<string, unknown>) => {
    const base = values.input ? await commandFile(String(values.input)) : {};
    const input = commandFromOptions(name, fields, values, base);
    const transport = await target();
    if (!previews || input.preview || values.yes) return finish(await transport.send(input));
    // Changes that affect people are shown first: who is affected, then applied only if the admin agrees.
    const preview = await transport.send({ ...input, preview: true });
    finish(preview);
    if (root().json || !io.confirm) return io.stderr('Nothing changed: run again with --yes to apply.');
    if (!(await io.confirm('Apply these changes?'))) return io.stderr('Nothing changed.');
    finish(await transport.send({ ...input, preview: false }));
  });
}

/** The local system's clock and invariants check: there is no such thing on AWS. */
function addLocalCommands(program: Command, { io, target, finish }: Omit<Wiring, 'root'>) {
  const localUrl = async () => {
    const { localUrl: url } = await target();
    if (url) return url;
    io.stderr('Only the local system has a clock to move and an invariants check: use --local.');
    throw new Exit(EXIT.invalidInput);
  };
  const call = async (path: string, method: 'GET' | 'POST') => {
    const response = await fetch(new URL(path, await localUrl()), { method });
    const body = (await response.json()) as { error?: string };
    if (response.ok) return finish({ ok: true, result: body });
    const why = String(body.error);
    finish({ ok: false, error: 'AdminInputInvalid', message: why, issues: [{ path, message: why }] });
  };
  const clock = program
    .command('clock')
    .description("The local system's clock, without moving it (local only)")
    .addHelpText('after', EXIT_CODES_HELP)
    .action(() => call('/admin/clock', 'GET'));
  clock
    .command('advance')
    .description('Move the local clock forward by days and hours (local only); what falls due happens')
    .option('--days <n>', 'days forward')
    .option('--hours <n>', 'hours forward')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(({ days, hours }: { days?: string; hours?: string }) => {
      const query = new URLSearchParams({ ...(days && { days }), ...(hours && { hours }) });
      return call(`/admin/clock/advance?${query}`, 'POST');
    });
  program
    .command('invariants')
    .description("Check the whole local system's invariants, once nothing is moving (local only)")
    .addHelpText('after', EXIT_CODES_HELP)
    .action(() => call('/admin/invariants', 'POST'));
}
