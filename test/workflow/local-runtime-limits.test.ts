import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY } from '../../functions/domain/time.js';
import { ControllableClock } from '../../infra/local/clock.js';
import { type LocalFunction, LocalStepFunctions } from '../../infra/local/step-functions.js';
import { stepFunctionsApi } from '../../infra/local/step-functions-api.js';

/**
 * The local runtime refuses and fails where AWS does, with AWS's error names: small purpose-built state
 * machines, run by LocalStepFunctions with stand-in Lambdas, each breaking one quota.
 */

const REGION = 'eu-west-2';
const ACCOUNT = '000000000000';
const QUOTA_BYTES = 262_144;
const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** A `lambda:invoke` task calling `name` with the state's input. */
const invoke = (name: string, rest: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: functionArn(name), 'Payload.$': '$' },
  OutputPath: '$.Payload',
  ...rest,
});

/** A callback task: `Park` is handed the token, and the execution waits for SendTaskSuccess. */
const waitForAnswer = (rest: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: functionArn('Park'), Payload: { 'token.$': '$$.Task.Token' } },
  TimeoutSeconds: 7 * 86_400,
  ...rest,
});

let clock: ControllableClock;
const tokens: string[] = [];
const parks: LocalFunction = async (payload) => {
  tokens.push((payload as { token: string }).token);
  return {};
};

function runtime(functions: Record<string, LocalFunction> = {}) {
  clock = new ControllableClock();
  return new LocalStepFunctions({
    clock,
    functions: new Map(Object.entries({ Park: parks, ...functions })),
    region: REGION,
    account: ACCOUNT,
    retryIntervalMs: 0,
  });
}

let machineCount = 0;
const machine = (
  sfn: LocalStepFunctions,
  States: Record<string, unknown>,
  StartAt = Object.keys(States)[0],
) => sfn.createStateMachine(`Limits${++machineCount}`, JSON.stringify({ StartAt, States }));

const finished = async (sfn: LocalStepFunctions, executionArn: string) => {
  const execution = sfn.describeExecution(executionArn);
  await execution.done;
  return execution;
};

describe('execution names', () => {
  const sfn = runtime();
  const arn = machine(sfn, { Done: { Type: 'Succeed' } });

  it('takes 1 to 80 characters, non-ASCII included, and refuses 81 or none with ValidationException', () => {
    expect(sfn.startExecution(arn, 'n'.repeat(80)).status).toBe('RUNNING');
    expect(sfn.startExecution(arn, 'pd-lead-été-ñ-😀').name).toBe('pd-lead-été-ñ-😀');
    expect(() => sfn.startExecution(arn, 'n'.repeat(81))).toThrow(
      expect.objectContaining({
        name: 'ValidationException',
        message: expect.stringContaining('Member must have length less than or equal to 80'),
      }),
    );
    expect(() => sfn.startExecution(arn, '')).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
  });

  it("refuses each of AWS's forbidden characters with InvalidName", () => {
    const forbidden = [' ', '\t', '\n', ...'<>{}[]?*"#%\\^|~`$&,;:/', '\u0000', '\u001f', '\u007f', '\u009f'];
    for (const character of forbidden)
      expect(() => sfn.startExecution(arn, `p-1${character}x`), JSON.stringify(character)).toThrow(
        expect.objectContaining({ name: 'InvalidName' }),
      );
    expect(sfn.listExecutions().filter((e) => e.name.startsWith('p-1'))).toEqual([]);
  });

  it('the startExecution integration surfaces the refusal to Catch by its service name', async () => {
    const child = machine(sfn, { Done: { Type: 'Succeed' } });
    const handOver = (Name: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: { StateMachineArn: child, Name, Input: {} },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refused', ResultPath: '$.refused' }],
      End: true,
    });
    for (const [name, error] of [
      ['has a space', 'StepFunctions.InvalidNameException'],
      ['n'.repeat(81), 'StepFunctions.ValidationException'],
    ]) {
      const parent = machine(sfn, { HandOver: handOver(name ?? ''), Refused: { Type: 'Pass', End: true } });
      const execution = await finished(sfn, sfn.startExecution(parent).executionArn);
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? '{}').refused.Error).toBe(error);
    }
  });
});

describe('execution history', () => {
  it('counts events as AWS records them', async () => {
    let attempts = 0;
    const sfn = runtime({
      Work: async () => {
        if (++attempts === 1) throw Object.assign(new Error('busy'), { name: 'Busy' });
        return { ready: true };
      },
    });
    const arn = machine(sfn, {
      Work: invoke('Work', { Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2 }], Next: 'Ready' }),
      Ready: { Type: 'Choice', Choices: [{ Variable: '$.ready', BooleanEquals: true, Next: 'Wait' }] },
      Wait: waitForAnswer({ Next: 'Done' }),
      Done: { Type: 'Succeed' },
    });
    const execution = sfn.startExecution(arn, 'counted');
    await vi.waitFor(() => expect(execution.parked?.state).toBe('Wait'));
    sfn.sendTaskSuccess(tokens.at(-1) ?? '', '{"answered":true}');
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    // From AWS's rules, not from running it:
    //   ExecutionStarted                                                               1
    //   Work: TaskStateEntered, TaskScheduled, TaskStarted, TaskFailed,
    //         (retry) TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited       8
    //   Ready: ChoiceStateEntered, ChoiceStateExited                                   2
    //   Wait: TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted,
    //         TaskSucceeded, TaskStateExited                                           6
    //   Done: SucceedStateEntered, SucceedStateExited                                  2
    //   ExecutionSucceeded                                                             1
    expect(execution.historyEvents).toBe(20);
  });

  it('fails with States.Runtime when the next event would pass 25,000', async () => {
    const sfn = runtime();
    const arn = machine(sfn, {
      Loop: { Type: 'Pass', Next: 'Again' },
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }],
        Default: 'Loop',
      },
      Done: { Type: 'Succeed' },
    });
    const execution = await finished(sfn, sfn.startExecution(arn, 'endless').executionArn);
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The execution reached the maximum number of history events (25000).',
      historyEvents: 25_000,
    });
    // ExecutionStarted, then two events per Pass or Choice state: 1 + 2 × 12,499 = 24,999; ExecutionFailed is the 25,000th.
    expect(execution.statesEntered).toHaveLength(12_499);
  });
});

describe('a year per Standard execution', () => {
  it('times out a year after it started, on the local clock', async () => {
    const sfn = runtime();
    const arn = machine(sfn, {
      Wait: waitForAnswer({
        Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Wait' }],
        End: true,
      }),
    });
    const execution = sfn.startExecution(arn, 'a-year');
    await sfn.settled();
    clock.advance(364 * DAY);
    await sfn.settled();
    expect(execution.status).toBe('RUNNING');
    clock.advance(2 * DAY);
    await execution.done;
    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((execution.stopDate?.getTime() ?? 0) - execution.startDate.getTime()).toBeGreaterThanOrEqual(
      365 * DAY,
    );
    // Its token is answered no more.
    expect(() => sfn.sendTaskSuccess(tokens.at(-1) ?? '', '{}')).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
  });
});

describe("a task's timeout", () => {
  /** A callback task whose TimeoutSeconds comes from the input, with a Catch that States.Runtime passes by. */
  const timedBy = (sfn: LocalStepFunctions) =>
    machine(sfn, {
      Wait: waitForAnswer({
        TimeoutSeconds: undefined,
        TimeoutSecondsPath: '$.waitSeconds',
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      }),
      Caught: { Type: 'Succeed' },
    });

  it('waits as long as TimeoutSecondsPath says, up to 99,999,999 seconds', async () => {
    const sfn = runtime();
    const arn = timedBy(sfn);
    const longest = sfn.startExecution(arn, 'longest', JSON.stringify({ waitSeconds: 99_999_999 }));
    const yearLong = sfn.startExecution(arn, 'year-long', JSON.stringify({ waitSeconds: 300 * 86_400 }));
    await sfn.settled();
    expect(longest.parked).toMatchObject({ state: 'Wait', timeoutSeconds: 99_999_999 });
    expect(yearLong.parked).toMatchObject({ state: 'Wait', timeoutSeconds: 300 * 86_400 });
    // Timed on the local clock, not on a real-time timer longer than Node can arm (which fires at once).
    await new Promise((done) => setTimeout(done, 50));
    clock.advance(299 * DAY);
    await sfn.settled();
    expect(yearLong.status).toBe('RUNNING');
    clock.advance(2 * DAY);
    await yearLong.done;
    expect(yearLong.statesEntered).toEqual(['Wait', 'Caught']);
    expect(longest.status).toBe('RUNNING');
  });

  it.each([
    ['over the quota', 100_000_000],
    ['zero', 0],
    ['a fraction', 1.5],
    ['not a number', '60'],
  ])(
    'fails the execution with States.Runtime, which States.ALL does not catch, given %s',
    async (_, waitSeconds) => {
      const sfn = runtime();
      const execution = await finished(
        sfn,
        sfn.startExecution(timedBy(sfn), undefined, JSON.stringify({ waitSeconds })).executionArn,
      );
      expect(execution).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: expect.stringContaining('from 1 to 99999999'),
      });
      expect(execution.statesEntered).toEqual(['Wait']);
    },
  );
});

describe('256 KB payloads', () => {
  const big = (bytes: number) => ({ big: 'x'.repeat(bytes) });
  const caught = { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] };
  const dataLimit = {
    status: 'FAILED',
    error: 'States.DataLimitExceeded',
    cause: expect.stringContaining('exceeding the maximum number of bytes service limit'),
  };

  it('refuses execution input over the quota, counted in UTF-8 bytes', () => {
    const sfn = runtime();
    const arn = machine(sfn, { Done: { Type: 'Succeed' } });
    // '£' is two bytes: 131,067 of them and the 10 bytes of JSON around them come to 262,144 bytes exactly.
    const pounds = (n: number) => JSON.stringify({ big: '£'.repeat(n) });
    expect(Buffer.byteLength(pounds(131_067))).toBe(QUOTA_BYTES);
    expect(sfn.startExecution(arn, 'at-the-quota', pounds(131_067)).status).toBe('RUNNING');
    expect(() => sfn.startExecution(arn, 'over-the-quota', pounds(131_068))).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
  });

  it("fails on a task's result over the quota, which States.ALL does not catch", async () => {
    const sfn = runtime({ Work: async () => big(QUOTA_BYTES) });
    const arn = machine(sfn, {
      Work: invoke('Work', { ...caught, End: true }),
      Caught: { Type: 'Succeed' },
    });
    const execution = await finished(sfn, sfn.startExecution(arn).executionArn);
    expect(execution).toMatchObject(dataLimit);
    expect(execution.statesEntered).toEqual(['Work']);
  });

  it("fails on a state's output over the quota", async () => {
    const sfn = runtime();
    const arn = machine(sfn, {
      Double: { Type: 'Pass', Parameters: { 'a.$': '$.big', 'b.$': '$.big' }, Next: 'Done' },
      Done: { Type: 'Succeed' },
    });
    const execution = await finished(
      sfn,
      sfn.startExecution(arn, 'double', JSON.stringify(big(140_000))).executionArn,
    );
    expect(execution).toMatchObject(dataLimit);
    expect(execution.statesEntered).toEqual(['Double']);
  });

  it("fails on a task's input over the quota before the Lambda is called", async () => {
    const work = vi.fn(async () => ({}));
    const sfn = runtime({ Work: work });
    const arn = machine(sfn, {
      Work: {
        ...invoke('Work', { ...caught, End: true }),
        Parameters: { FunctionName: functionArn('Work'), Payload: { 'a.$': '$.big', 'b.$': '$.big' } },
      },
      Caught: { Type: 'Succeed' },
    });
    const execution = await finished(
      sfn,
      sfn.startExecution(arn, 'twice', JSON.stringify(big(140_000))).executionArn,
    );
    expect(execution).toMatchObject(dataLimit);
    expect(work).not.toHaveBeenCalled();
  });

  it('refuses SendTaskSuccess output over the quota; the task still waits', async () => {
    const sfn = runtime();
    const arn = machine(sfn, { Wait: waitForAnswer({ End: true }) });
    const execution = sfn.startExecution(arn, 'waiting');
    await vi.waitFor(() => expect(execution.parked?.state).toBe('Wait'));
    const token = tokens.at(-1) ?? '';
    expect(() => sfn.sendTaskSuccess(token, JSON.stringify(big(QUOTA_BYTES)))).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
    expect(execution.parked?.state).toBe('Wait');
    sfn.sendTaskSuccess(token, '{"small":true}');
    expect((await finished(sfn, execution.executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('through the Step Functions API, as the SDK sees it', () => {
  let server: Server;
  let client: SFNClient;
  let sfn: LocalStepFunctions;
  let arn: string;
  beforeAll(async () => {
    sfn = runtime();
    arn = machine(sfn, { Wait: waitForAnswer({ End: true }) });
    server = createServer(stepFunctionsApi(sfn));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    client = new SFNClient({
      region: REGION,
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    await sfn.abortAll();
    await new Promise((done) => server.close(done));
  });
  const start = (name: string, input = '{}') =>
    client.send(new StartExecutionCommand({ stateMachineArn: arn, name, input }));

  it('StartExecution refuses a bad name and oversized input with the API errors', async () => {
    await expect(start('has space')).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(start('n'.repeat(81))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(start('too-big', JSON.stringify({ big: 'x'.repeat(QUOTA_BYTES) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('DescribeExecution says TIMED_OUT once a year has passed', async () => {
    const { executionArn } = await start('timed-out');
    clock.advance(366 * DAY);
    await sfn.describeExecution(executionArn ?? '').done;
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });
});
