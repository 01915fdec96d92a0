import { randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { ControllableClock } from './clock.js';

/** A Lambda function as the local runtime calls it: the real middy handler, in-process. */
export type LocalFunction = (payload: unknown) => Promise<unknown>;

type JsonObject = Record<string, unknown>;

interface TaskState {
  Type: 'Task';
  Resource: string;
  Parameters?: { FunctionName?: string };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
}

/** A Task state as one execution runs it. */
interface RunningTask {
  execution: LocalExecution;
  stateName: string;
  state: TaskState;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** State names in the order the execution entered them: what the console's graph would light up. */
  statesEntered: string[];
  /**
   * Set while the execution waits in a callback task whose token is parked (the task's Lambda has
   * returned and nobody has answered): which state, since when, and how long until it times out.
   */
  parked?: { state: string; since: Date; timeoutSeconds: number };
  /** Settles when the execution stops, whatever the outcome. */
  done: Promise<void>;
}

/** An error Step Functions would raise by name (States.Timeout, a Lambda's error type …). */
class StatesError extends Error {
  /** aws-local-stepfunctions retries unless told otherwise; AWS never retries States.Timeout under States.TaskFailed. */
  readonly isRetryable: boolean;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
    this.isRetryable = name !== 'States.Timeout';
  }
}

/** Resolves the simple reference paths our ASL uses (`$.a.b`) against a state's input. */
function readPath(input: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) throw new Error(`Unsupported reference path ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((value, key) => (value as JsonObject | undefined)?.[key], input);
}

/**
 * Step Functions, locally: runs the real ASL with aws-local-stepfunctions, calls the real handlers
 * in-process for `lambda:invoke` tasks, and implements the callback pattern (task tokens, timeouts on
 * the controllable clock) that the library leaves to its caller.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, StateMachine>();
  private readonly definitions = new Map<string, { States: Record<string, TaskState | { Type: string }> }>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly waitingTasks = new Map<
    string,
    { resolve: (output: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly issuedTokens = new Set<string>();
  private readonly aborts = new Map<string, () => void>();
  private readonly invocations = new Set<Promise<unknown>>();
  /** Executions still running, for `settled`. */
  private readonly running = new Map<string, LocalExecution>();

  constructor(
    private readonly options: {
      clock: ControllableClock;
      functions: ReadonlyMap<string, LocalFunction>;
      region: string;
      account: string;
      /** Retry pauses, in ms; tests set 0 so a retried step does not slow them down. */
      retryIntervalMs?: number;
    },
  ) {}

  createStateMachine(name: string, definition: string): string {
    const arn = `arn:aws:states:${this.options.region}:${this.options.account}:stateMachine:${name}`;
    const parsed = JSON.parse(definition);
    this.machines.set(
      arn,
      new StateMachine(parsed, { validationOptions: { checkArn: true, checkPaths: true } }),
    );
    this.definitions.set(arn, parsed);
    return arn;
  }

  /** Same name and input: the running execution is returned, as AWS does. Otherwise names are unique. */
  startExecution(stateMachineArn: string, name: string = randomUUID(), input = '{}'): LocalExecution {
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new StatesError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new StatesError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate: this.options.clock.now(),
      statesEntered: [],
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    const run = machine.run(JSON.parse(input), {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(execution),
        ...(this.options.retryIntervalMs === undefined
          ? {}
          : { retryIntervalOverrides: this.everyState(stateMachineArn, this.options.retryIntervalMs) }),
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          RoleArn: 'local',
          // On the controllable clock (the patch keeps it): hand-over after a year is judged by it.
          StartTime: execution.startDate.toISOString(),
        },
        StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() ?? '' },
        // A fresh token each time a state reads $$.Task.Token, as AWS issues one per task attempt.
        Task: this.tokenIssuer(),
      } as never,
    });
    this.aborts.set(executionArn, run.abort);
    this.running.set(executionArn, execution);
    void this.record(execution, run.eventLogs);
    execution.done = run.result.then(
      (output) => this.stop(execution, 'SUCCEEDED', { output: JSON.stringify(output) }),
      (error: unknown) => {
        const cause = error instanceof ExecutionError ? (error.cause as Error | undefined) : (error as Error);
        this.stop(execution, 'FAILED', {
          error: cause?.name ?? 'Error',
          cause: cause?.message ?? String(error),
        });
      },
    );
    return execution;
  }

  describeExecution(executionArn: string): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution)
      throw new StatesError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** StopExecution: ends a running execution at once, ABORTED, as an operator or a redeploy stops one. */
  stopExecution(executionArn: string): void {
    const execution = this.describeExecution(executionArn);
    const abort = this.aborts.get(executionArn);
    this.stop(execution, 'ABORTED', {});
    abort?.();
  }

  listExecutions(): LocalExecution[] {
    return [...this.executions.values()];
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    this.settleTask(taskToken).resolve(JSON.parse(output));
  }

  sendTaskFailure(taskToken: string, error = 'TaskFailed', cause = ''): void {
    this.settleTask(taskToken).reject(new StatesError(error, cause));
  }

  private settleTask(taskToken: string) {
    const waiting = this.waitingTasks.get(taskToken);
    if (!waiting) {
      const known = this.issuedTokens.has(taskToken);
      throw known
        ? new StatesError('TaskTimedOut', 'Task Timed Out')
        : new StatesError('InvalidToken', 'Invalid Token');
    }
    this.waitingTasks.delete(taskToken);
    return waiting;
  }

  private tokenIssuer() {
    const issued = this.issuedTokens;
    return {
      get Token() {
        const token = randomUUID() + randomUUID();
        issued.add(token);
        return token;
      },
    };
  }

  private everyState(stateMachineArn: string, value: number): Record<string, number> {
    return Object.fromEntries(
      Object.keys(this.definitions.get(stateMachineArn)?.States ?? {}).map((s) => [s, value]),
    );
  }

  /** One local handler per Task state, chosen by the state's FunctionName, as Lambda would be. */
  private taskHandlers(execution: LocalExecution) {
    const states = this.definitions.get(execution.stateMachineArn)?.States ?? {};
    return Object.fromEntries(
      Object.entries(states)
        .filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task')
        .map(([stateName, state]) => [
          stateName,
          (input: unknown, rawInput?: unknown) =>
            this.invokeTask({ execution, stateName, state }, input as JsonObject, rawInput),
        ]),
    ) as never;
  }

  private async invokeTask(task: RunningTask, input: JsonObject, rawInput: unknown) {
    const { state } = task;
    if (state.Resource === 'arn:aws:states:::states:startExecution') return this.startChild(input);
    const functionName =
      String(input.FunctionName ?? '')
        .split(':')
        .pop() ?? '';
    const fn = this.options.functions.get(functionName);
    if (!fn) throw new StatesError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    if (state.Resource === 'arn:aws:states:::lambda:invoke') {
      return {
        ExecutedVersion: '$LATEST',
        StatusCode: 200,
        Payload: await this.callLambda(fn, input.Payload),
      };
    }
    if (state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      return this.invokeAndWait(task, fn, input.Payload, rawInput);
    }
    throw new StatesError('States.Runtime', `The local runtime does not implement ${state.Resource}`);
  }

  /** The startExecution service integration: what an execution uses to hand over to the next one. */
  private startChild(input: JsonObject) {
    try {
      const child = this.startExecution(
        String(input.StateMachineArn),
        input.Name === undefined ? undefined : String(input.Name),
        JSON.stringify(input.Input ?? {}),
      );
      return { ExecutionArn: child.executionArn, StartDate: child.startDate.toISOString() };
    } catch (error) {
      // The name the integration reports to Retry and Catch, as on AWS.
      if (error instanceof StatesError && error.name === 'ExecutionAlreadyExists')
        throw new StatesError('StepFunctions.ExecutionAlreadyExistsException', error.message);
      throw error;
    }
  }

  private async callLambda(fn: LocalFunction, payload: unknown): Promise<unknown> {
    const invocation = Promise.resolve().then(() => fn(payload));
    this.invocations.add(invocation);
    try {
      return await invocation;
    } catch (error) {
      // Lambda reports a thrown error by its name: that is what Retry and Catch match.
      const e = error as Error;
      throw new StatesError(e.name || 'Error', e.message);
    } finally {
      this.invocations.delete(invocation);
    }
  }

  private invokeAndWait(
    { execution, stateName, state }: RunningTask,
    fn: LocalFunction,
    payload: unknown,
    rawInput: unknown,
  ) {
    const token = Object.values((payload ?? {}) as JsonObject).find(
      (v): v is string => typeof v === 'string' && this.issuedTokens.has(v),
    );
    if (!token)
      throw new StatesError('States.Runtime', 'waitForTaskToken task has no $$.Task.Token in its Payload');
    const timeoutSeconds =
      state.TimeoutSeconds ??
      (state.TimeoutSecondsPath ? Number(readPath(rawInput, state.TimeoutSecondsPath)) : 99_999_999);
    return new Promise((resolve, reject) => {
      const cancelTimer = this.options.clock.at(
        new Date(this.options.clock.now().getTime() + timeoutSeconds * 1000),
        () => {
          this.waitingTasks.delete(token);
          execution.parked = undefined;
          reject(new StatesError('States.Timeout', 'Task timed out'));
        },
      );
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          cancelTimer();
          execution.parked = undefined;
          f(v);
        };
      this.waitingTasks.set(token, { resolve: settle(resolve), reject: settle(reject) });
      const since = this.options.clock.now();
      // The Lambda's own result is ignored, as in AWS; its failure fails the task.
      this.callLambda(fn, payload).then(
        () => {
          // Still unanswered once the Lambda has parked the token: the execution is waiting.
          if (this.waitingTasks.has(token)) execution.parked = { state: stateName, since, timeoutSeconds };
        },
        (error: Error) => {
          if (!this.waitingTasks.delete(token)) return;
          cancelTimer();
          execution.parked = undefined;
          reject(error);
        },
      );
    });
  }

  private async record(
    execution: LocalExecution,
    events: AsyncIterable<{ type: string; state?: { name: string } }>,
  ) {
    for await (const event of events) {
      if (event.type === 'StateEntered' && event.state) execution.statesEntered.push(event.state.name);
    }
  }

  /**
   * Resolves once nothing is moving: no Lambda invocation under way and every running execution parked
   * in a callback task. How a test proves "nothing more happens" without a fixed sleep.
   */
  async settled(timeoutMs = 10_000): Promise<void> {
    const giveUpAt = Date.now() + timeoutMs;
    const still = () =>
      this.invocations.size > 0 ||
      [...this.running.values()].some((e) => e.status === 'RUNNING' && !e.parked);
    // Two quiet looks in a row: a step that has just returned may be about to enter the next state.
    for (let quiet = 0; quiet < 2; ) {
      if (Date.now() > giveUpAt) {
        const moving = [...this.running.values()].filter((e) => e.status === 'RUNNING' && !e.parked);
        throw new Error(
          `Not settled after ${timeoutMs} ms: ${moving.map((e) => `${e.name} at ${e.statesEntered.at(-1)}`).join(', ')}`,
        );
      }
      await new Promise((done) => setTimeout(done, 5));
      quiet = still() ? 0 : quiet + 1;
    }
  }

  private stop(execution: LocalExecution, status: ExecutionStatus, result: Partial<LocalExecution>) {
    this.aborts.delete(execution.executionArn);
    this.running.delete(execution.executionArn);
    execution.parked = undefined;
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, { status, stopDate: this.options.clock.now(), ...result });
  }

  /**
   * Aborts every running execution, as StopExecution would, and lets Lambda invocations already under
   * way finish: the local system does this before it closes its database and mail servers.
   */
  async abortAll() {
    for (const [executionArn, abort] of this.aborts) {
      const execution = this.executions.get(executionArn);
      if (execution) this.stop(execution, 'ABORTED', {});
      abort();
    }
    await Promise.allSettled([...this.invocations]);
  }
}
