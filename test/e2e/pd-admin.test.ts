import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaClientConfig } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantIdFor } from '../../functions/domain/participant.js';
import { type CliEnvironment, runCli } from '../../infra/cli/program.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { mailbox, startTestSystem, testCohort, waitForState } from '../support/local-system.js';
import { pdAdminProcess } from '../support/pd-admin.js';

/**
 * `pd-admin` against the running local system, as an admin types it: each command's output and exit
 * code; against AWS with a fake Lambda client (the request it would send, and how it reads the answers);
 * and as a subprocess, as `npx pd-admin` runs.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());
checkInvariantsAfterEach(() => system);

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs pd-admin in this process against `system` (or as the arguments say), with what it printed. */
async function pdAdmin(args: string[], env: Partial<CliEnvironment> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const targeted = args.some((a) => ['--aws', '--profile', '--function-name', '--url'].includes(a));
  const code = await runCli(['node', 'pd-admin', ...(targeted ? [] : ['--url', system.urls.app]), ...args], {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    lambdaClient: () => {
      throw new Error('no AWS in this test');
    },
    interactive: false,
    ...env,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const cohortOptions = [
  '--cohort-id',
  'cli-north',
  '--programme-id',
  'ncetm-pd-lead',
  '--pathway',
  'primary',
  '--maths-hub',
  testCohort.mathsHub,
  '--name',
  'CLI cohort',
  '--cohort-lead-name',
  'Casey Lead',
  '--cohort-lead-email',
  'cohort-lead@hub.test',
  '--starts-on',
  testCohort.startsOn,
  '--schedule',
  JSON.stringify(testCohort.schedule),
];
const asha = [
  '--cohort-id',
  'cli-north',
  '--participant-name',
  'Asha Patel',
  '--participant-email',
  'asha@cli.test',
  '--school',
  'Hillside Primary',
  '--senior-leader-name',
  'Sam Okafor',
  '--senior-leader-email',
  'head@cli.test',
  '--senior-leader-role',
  'Head teacher',
];
const ashaId = participantIdFor('cli-north', 'asha@cli.test');

describe('pd-admin against the local system', () => {
  it('has --help on every command, with the exit codes', async () => {
    const { out, code } = await pdAdmin(['--help']);
    expect(code).toBe(0);
    const commands = [...out.matchAll(/^ {2}([a-z][a-z-]+) /gm)].map(([, name]) => name as string);
    expect(commands).toEqual(
      expect.arrayContaining(['create-cohort', 'list-participants', 'edit-cohort', 'enrol', 'clock']),
    );
    for (const command of commands.filter((c) => c !== 'help')) {
      const help = await pdAdmin([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.out, command).toMatch(/Exit codes:\n {2}0 {2}done[\s\S]*4 {2}cannot reach the system/);
    }
    expect((await pdAdmin(['enrol-participant', '--help'])).out).toContain('--senior-leader-email <value>');
  });

  it('creates a cohort from options; bad input is answered with each wrong field, exit code 2', async () => {
    const bad = await pdAdmin([
      'create-cohort',
      ...cohortOptions.map((o) =>
        o === 'primary' ? 'infants' : o === testCohort.startsOn ? '15/01/2027' : o,
      ),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^Bad input:\n {2}cohort\.pathway: .*primary.*\n {2}cohort\.startsOn: Invalid ISO date$/,
    );
    expect(await system.dependencies.store.cohorts.get('cli-north')).toBeUndefined();
    const created = await pdAdmin(['create-cohort', ...cohortOptions]);
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(created.out)).toEqual({
      command: 'create-cohort',
      cohortId: 'cli-north',
      created: true,
    });
  });

  it('takes the whole command from a JSON file (--input), options overriding it; an unreadable file is bad input', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pd-admin-')), 'cohort.json');
    writeFileSync(file, JSON.stringify({ cohort: { ...testCohort, cohortId: 'from-file' } }));
    const created = await pdAdmin(['--json', 'create-cohort', '--input', file, '--cohort-id', 'cli-south']);
    expect(JSON.parse(created.out)).toMatchObject({ cohortId: 'cli-south', created: true });
    const missing = await pdAdmin(['create-cohort', '--input', `${file}.missing`]);
    expect(missing).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^Bad input:\n {2}--input: ENOENT/),
    });
  });

  it('lists cohorts as a table, or as JSON for scripts', async () => {
    const { out, code } = await pdAdmin(['list-cohorts']);
    expect(code).toBe(0);
    expect(out).toMatch(/^cohortId +name +programmeId +pathway +mathsHub +startsOn +cohortLead$/m);
    expect(out).toMatch(
      /^cli-north +CLI cohort +ncetm-pd-lead +primary +North Star Maths Hub +2027-01-15 +Casey Lead$/m,
    );
    const json = await pdAdmin(['--json', 'list-cohorts']);
    expect(JSON.parse(json.out).cohorts).toContainEqual(expect.objectContaining({ cohortId: 'cli-north' }));
  });

  it('enrols one participant, then lists, shows and chases them', async () => {
    expect(JSON.parse((await pdAdmin(['enrol-participant', ...asha])).out)).toMatchObject({
      participantId: ashaId,
      alreadyEnrolled: false,
    });
    const execution = system.stepFunctions.listExecutions().find((e) => e.name === ashaId);
    await waitForState(system, execution?.executionArn ?? '', 'AwaitCommitment');

    const listed = await pdAdmin(['list-participants', '--cohort-id', 'cli-north']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(
        `^${ashaId} +Asha Patel +awaiting-commitment +senior-leader +commitment +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d$`,
        'm',
      ),
    );

    const shown = await pdAdmin(['show-participant', '--participant-id', ashaId]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('Asha Patel <asha@cli.test>');
    expect(shown.out).toMatch(/waiting on senior-leader by /);
    expect(shown.out).toMatch(/emailed senior-leader: commitment/);
    expect(shown.out).toMatch(
      /ParticipantLifecycle +p-\S+ +RUNNING +https:\/\/eu-west-2\.console\.aws\.amazon\.com\//,
    );

    const schedule = await pdAdmin(['show-schedule', '--cohort-id', 'cli-north']);
    expect(schedule.out).toMatch(/^day-1 +Development day 1 +\S+ to \S+ +Leeds Conference Centre$/m);
    expect(schedule.out).toMatch(/^interim-feedback +.* after interim-task/m);

    const resent = await pdAdmin(['resend-link', '--participant-id', ashaId]);
    expect(JSON.parse(resent.out).resent).toEqual([
      expect.objectContaining({ kind: 'commitment', to: 'senior-leader' }),
    ]);
    await waitForState(system, execution?.executionArn ?? '', 'AwaitCommitment');
    await system.stepFunctions.settled();
    expect(await mailbox(system).emailsTo('head@cli.test')).toHaveLength(2);
  });

  it('prints who waits on whom (status) as a table, and writes the programme report as HTML and CSV', async () => {
    // Asha, enrolled above, waits on her senior leader.
    const status = await pdAdmin(['status', '--cohort-id', 'cli-north']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/Asha Patel/);
    expect(status.out).toMatch(/senior leader/i);

    const dir = mkdtempSync(join(tmpdir(), 'pd-report-'));
    const [html, csv] = [join(dir, 'report.html'), join(dir, 'report.csv')];
    const report = await pdAdmin(['report', '--html', html, '--csv', csv]);
    expect(report.code).toBe(0);
    expect(report.err).toContain(`Written: ${html}`);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(html, 'utf8')).toContain('CLI cohort');
    expect(readFileSync(csv, 'utf8')).toContain('cli-north');
  });

  it('a command the data refuses exits 3, saying why; nothing changes', async () => {
    const refused = await pdAdmin([
      'grant-extension',
      '--participant-id',
      'p-nobody',
      '--step-id',
      'interim-task',
      '--until',
      '2027-03-19T17:00',
    ]);
    expect(refused).toEqual({ code: 3, out: '', err: 'Refused: No participant "p-nobody"' });
  });

  it("an internal error is the system's (exit 1, HTTP 500), never the admin's input", async () => {
    const { cohorts } = system.dependencies.store;
    const list = cohorts.list;
    cohorts.list = () => Promise.reject(new Error('DynamoDB is down'));
    try {
      const failed = await pdAdmin(['list-cohorts']);
      expect(failed.code).toBe(1);
      expect(failed.err).toBe('The system failed (not your input): Error: DynamoDB is down');
      const response = await fetch(`${system.urls.app}/admin/commands`, {
        method: 'POST',
        body: JSON.stringify({ command: 'list-cohorts' }),
      });
      expect(response.status).toBe(500);
    } finally {
      cohorts.list = list;
    }
    const bad = await fetch(`${system.urls.app}/admin/commands`, {
      method: 'POST',
      body: '{"command":"list-participants"}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ issues: [{ path: 'cohortId', message: 'required' }] });
  });

  it('edit-cohort shows who is affected first, and changes only with --yes or the admin agreeing', async () => {
    const edit = [
      'edit-cohort',
      '--cohort-id',
      'cli-north',
      '--cohort-lead-name',
      'Lee New',
      '--cohort-lead-email',
      'lee@hub.test',
    ];
    const unattended = await pdAdmin(edit);
    expect(unattended.code).toBe(0);
    expect(unattended.out).toMatch(
      /^Preview: nothing has changed yet\.\n\ncohort-lead\n {2}from .*Casey Lead.*\n {2}to .*Lee New/,
    );
    expect(unattended.err).toBe('Nothing changed: run again with --yes to apply.');
    const declined = await pdAdmin(edit, { confirm: async () => false });
    expect(declined.err).toBe('Nothing changed.');
    expect((await system.dependencies.store.cohorts.get('cli-north'))?.cohortLead.name).toBe('Casey Lead');

    const agreed = await pdAdmin(edit, { confirm: async () => true });
    expect(agreed.code).toBe(0);
    expect(agreed.out).toMatch(/Preview: nothing has changed yet\.[\s\S]*\nChanged\./);
    expect((await system.dependencies.store.cohorts.get('cli-north'))?.cohortLead.name).toBe('Lee New');
    const back = await pdAdmin([
      ...edit.slice(0, 3),
      '--cohort-lead-name',
      'Casey Lead',
      '--cohort-lead-email',
      'cohort-lead@hub.test',
      '--yes',
    ]);
    expect(back.out).toMatch(/^Changed\./);
    expect((await system.dependencies.store.cohorts.get('cli-north'))?.cohortLead.name).toBe('Casey Lead');
  });

  it('reads the local clock without moving it, and moves it by hours as well as days', async () => {
    const read = async () => new Date(JSON.parse((await pdAdmin(['--json', 'clock'])).out).now).getTime();
    const before = await read();
    expect((await read()) - before).toBeLessThan(5_000);
    const moved = await pdAdmin(['--json', 'clock', 'advance', '--hours', '5']);
    expect(moved.code).toBe(0);
    const after = new Date(JSON.parse(moved.out).now).getTime();
    expect(after - before).toBeGreaterThanOrEqual(5 * 3_600_000);
    expect(after - before).toBeLessThan(5 * 3_600_000 + 5_000);
    const wrong = await pdAdmin(['clock', 'advance', '--hours', '-1']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/positive/);
  });

  it('says the local system is not running, exit code 4', async () => {
    const down = await pdAdmin(['--url', 'http://127.0.0.1:9', 'list-cohorts']);
    expect(down).toMatchObject({ code: 4, err: expect.stringContaining('npm start') });
  });
});

describe('pd-admin against AWS (a fake Lambda client)', () => {
  /** A Lambda client that records what it is sent and answers as Lambda does. */
  function fakeLambda(answer: { FunctionError?: string; payload: unknown }) {
    const sent: { config?: LambdaClientConfig; input?: { FunctionName?: string; Payload?: Uint8Array } } = {};
    const lambdaClient = (config: LambdaClientConfig) => {
      sent.config = config;
      return {
        send: async (command: { input: typeof sent.input }) => {
          sent.input = command.input;
          return {
            ...(answer.FunctionError && { FunctionError: answer.FunctionError }),
            Payload: new TextEncoder().encode(JSON.stringify(answer.payload)),
          };
        },
      } as never;
    };
    return { sent, lambdaClient };
  }
  const aws = [
    '--profile',
    'programme-team',
    '--region',
    'eu-west-2',
    '--function-name',
    'Accreditation-Admin',
  ];

  it("invokes the Admin function with the admin's profile and region, the command as its payload", async () => {
    const { sent, lambdaClient } = fakeLambda({ payload: { command: 'list-cohorts', cohorts: [] } });
    const run = await pdAdmin([...aws, 'list-cohorts'], { lambdaClient });
    expect(run).toMatchObject({ code: 0, out: '(none)' });
    expect(sent.config).toEqual({ profile: 'programme-team', region: 'eu-west-2' });
    expect(sent.input?.FunctionName).toBe('Accreditation-Admin');
    expect(JSON.parse(new TextDecoder().decode(sent.input?.Payload))).toEqual({ command: 'list-cohorts' });
  });

  it("reads the function's errors: bad input 2 (each field), refused 3, anything else 1", async () => {
    const answers = [
      [
        { errorType: 'AdminInputInvalid', errorMessage: 'participantId: required' },
        2,
        'Bad input:\n  participantId: required',
      ],
      [
        { errorType: 'AdminCommandRejected', errorMessage: 'No participant "p-1"' },
        3,
        'Refused: No participant "p-1"',
      ],
      [
        { errorType: 'Runtime.ImportModuleError', errorMessage: 'boom' },
        1,
        'The system failed (not your input): Runtime.ImportModuleError: boom',
      ],
    ] as const;
    for (const [payload, code, err] of answers) {
      const { lambdaClient } = fakeLambda({ FunctionError: 'Unhandled', payload });
      expect(
        await pdAdmin([...aws, 'resume-participant', '--participant-id', 'p-1'], { lambdaClient }),
      ).toEqual({ code, out: '', err });
    }
  });

  it('without a function name it says where to find one, exit code 4', async () => {
    const { lambdaClient } = fakeLambda({ payload: null });
    const run = await pdAdmin(['--aws', 'list-cohorts'], { lambdaClient });
    expect(run.code).toBe(4);
    expect(run.err).toContain('AdminFunctionName');
    const fromEnv = fakeLambda({ payload: { command: 'list-cohorts', cohorts: [] } });
    expect(
      (
        await pdAdmin(['--aws', 'list-cohorts'], {
          lambdaClient: fromEnv.lambdaClient,
          env: { PD_ADMIN_FUNCTION_NAME: 'From-Env' },
        })
      ).code,
    ).toBe(0);
    expect(fromEnv.sent.input?.FunctionName).toBe('From-Env');
  });
});

describe('npx pd-admin, as a subprocess', () => {
  const run = (args: string[]) => pdAdminProcess(system, args);

  it('prints JSON for scripts and exits 0; names each wrong field and exits 2', async () => {
    const listed = await run(['--json', 'list-cohorts']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).cohorts).toContainEqual(
      expect.objectContaining({ cohortId: 'cli-north' }),
    );
    const bad = await run(['defer-participant', '--participant-id', ashaId, '--reason', ' ']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'Bad input:\n  toCohortId: required\n  reason: Too small: expected string to have >=1 characters\n',
    );
  });
});
