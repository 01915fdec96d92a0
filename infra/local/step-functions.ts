import { randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import {
  CLOSING_EVENTS,
  type CountedState,
  checkExecutionName,
  checkStateData,
  checkTaskTimeout,
  historyEventsFor,
  historyLimitReached,
  integrationError,
  parseRequestPayload,
  QUOTAS,
  StatesError,
} from './aws-limits.js';
import type { ControllableClock } from './clock.js';
import { usage } from './usage.js';

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
  run: Run;
  stateName: string;
  state: TaskState;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

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
  /** Events in its history as AWS counts them (at most 25,000), carried on across a restart of the local system. */
  historyEvents: number;
  /**
   * Set while the execution waits in a callback task whose token is parked (the task's Lambda has
   * returned and nobody has answered): which state, since when, and how long until it times out.
   */
  parked?: { state: string; since: Date; timeoutSeconds: number };
  /** Settles when the execution stops, whatever the outcome. */
  done: Promise<void>;
}

/** An execution as the local system keeps it on disk between runs. */
export type StoredExecution = Omit<LocalExecution, 'done' | 'parked' | 'startDate' | 'stopDate'> & {
  startDate: string;
  stopDate?: string;
};

/** One run of the ASL for an execution: the first, or its revival after the local system restarted. */
interface Run {
  execution: LocalExecution;
  abort: () => void;
  /** Its closing event is recorded: whatever the library reports after that is not AWS's. */
  closed: boolean;
  /** A revival carries on the history: no second ExecutionStarted. */
  revived: boolean;
  cancelYearLimit: () => void;
  /** The task tokens it has waited on: what its stop cancels, without looking through everyone's. */
  tokens: Set<string>;
}

/** What aws-local-stepfunctions reports as an execution runs (its event log). */
interface LibraryEvent {
  type: string;
  state?: { name: string; output?: unknown };
}

/** The library's private run loop, wrapped so each event is seen as it happens, in its order. */
type Execute = (
  input: unknown,
  options: {
    runOptions?: { context?: { Execution?: { Id?: string } } };
    eventLogger: { dispatch(event: LibraryEvent): void };
  },
  cleanup: () => void,
) => Promise<unknown>;

/** Definitions already validated by this process. */
const validated = new Set<string>();

const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** The longest real-time timer Node keeps (about 24.8 days): a longer one fires at once. */
const LONGEST_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * The definition as the library runs it. It times every Task out with a real-time timer, which a wait of
 * more than 24.8 days overflows (firing at once); a callback task's timeout is this runtime's, on the
 * controllable clock, so the library's timer is set as long as Node allows and never decides.
 */
function forTheLibrary<T extends { States: Record<string, TaskState | CountedState> }>(definition: T): T {
  const States = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      if (state.Resource !== CALLBACK) return [name, state];
      const { TimeoutSecondsPath: _, ...rest } = state as TaskState;
      return [name, { ...rest, TimeoutSeconds: LONGEST_TIMER_SECONDS }];
    }),
  );
  return { ...definition, States };
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
 * in-process for `lambda:invoke` tasks, implements the callback pattern (task tokens, timeouts on the
 * controllable clock) that the library leaves to its caller, and enforces a Standard execution's quotas
 * (names, payloads, history events, a year) with the errors AWS raises.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, StateMachine>();
  private readonly definitions = new Map<string, { States: Record<string, TaskState | CountedState> }>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly waitingTasks = new Map<
    string,
    {
      resolve: (output: unknown) => void;
      reject: (e: Error) => void;
      cancel: () => void;
    }
  >();
  private readonly issuedTokens = new Set<string>();
  private readonly invocations = new Set<Promise<unknown>>();
  /** Executions still running, by ARN. */
  private readonly runs = new Map<string, Run>();
  private changes = 0;

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

  /** Goes up whenever an execution starts, moves or stops: how the local system knows to save them. */
  get changeCount(): number {
    return this.changes;
  }

  createStateMachine(name: string, definition: string): string {
    const arn = `arn:aws:states:${this.options.region}:${this.options.account}:stateMachine:${name}`;
    const parsed = JSON.parse(definition);
    // Validating is slow (asl-validator): once per definition in this process is enough.
    if (!validated.has(definition))
      new StateMachine(parsed, { validationOptions: { checkArn: true, checkPaths: true } });
    validated.add(definition);
    const machine = new StateMachine(forTheLibrary(parsed), { validationOptions: { noValidate: true } });
    const internals = machine as unknown as { execute: Execute };
    const execute = internals.execute.bind(machine);
    internals.execute = (input, options, cleanup) => {
      const run = this.runs.get(options.runOptions?.context?.Execution?.Id ?? '');
      // Seen here and not queued: the library keeps every event (each state's input and output) until
      // its event log is read, which nothing does, so a parked execution would hold its whole history.
      options.eventLogger.dispatch = (event) => {
        if (run) this.observe(run, event);
      };
      return usage.withinExecution(run?.execution.executionArn ?? '', () => execute(input, options, cleanup));
    };
    this.machines.set(arn, machine);
    this.definitions.set(arn, parsed);
    return arn;
  }

  /** Same name and input: the running execution is returned, as AWS does. Otherwise names are unique. */
  startExecution(stateMachineArn: string, name: string = randomUUID(), input = '{}'): LocalExecution {
    checkExecutionName(name);
    parseRequestPayload('input', input);
    if (!this.machines.has(stateMachineArn))
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
      historyEvents: 0,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    this.run(execution, false);
    return execution;
  }

  /** Every execution, as the local system keeps it between runs. */
  snapshot(): StoredExecution[] {
    return this.listExecutions().map(({ done: _, parked: __, startDate, stopDate, ...kept }) => ({
      ...kept,
      statesEntered: [...kept.statesEntered],
      startDate: startDate.toISOString(),
      ...(stopDate ? { stopDate: stopDate.toISOString() } : {}),
    }));
  }

  /**
   * Takes back the executions of an earlier run of the local system. Finished ones are kept as they
   * ended (their names stay taken); each one still running runs its state machine again from the start
   * with the same input, under the same ARN and start date: every step reads the participant record and
   * does only what is left, so that is a resume.
   */
  restore(stored: StoredExecution[]) {
    for (const { startDate, stopDate, ...kept } of stored) {
      const execution: LocalExecution = {
        ...kept,
        startDate: new Date(startDate),
        ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
        done: Promise.resolve(),
      };
      this.executions.set(execution.executionArn, execution);
      if (execution.status === 'RUNNING') this.run(execution, true);
    }
  }

  private run(execution: LocalExecution, revived: boolean) {
    const { executionArn, stateMachineArn, name } = execution;
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new StatesError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const run: Run = {
      execution,
      abort: () => undefined,
      closed: false,
      revived,
      cancelYearLimit: () => undefined,
      tokens: new Set(),
    };
    // Registered before the library starts, which reports ExecutionStarted at once.
    this.runs.set(executionArn, run);
    this.changes++;
    const started = machine.run(JSON.parse(execution.input), {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(run),
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
    run.abort = started.abort;
    // A Standard execution runs at most a year from its start (a revived one, from its first start).
    run.cancelYearLimit = this.options.clock.at(
      new Date(execution.startDate.getTime() + QUOTAS.executionMs),
      () => {
        this.close(run, 'TIMED_OUT', {
          error: 'States.Timeout',
          cause: 'The execution ran for a year, the most a Standard execution may run.',
        });
        run.abort();
      },
      { deadline: true },
    );
    execution.done = started.result.then(
      (output) => this.stop(execution, 'SUCCEEDED', { output: JSON.stringify(output) }),
      (error: unknown) => {
        const cause = error instanceof ExecutionError ? (error.cause as Error | undefined) : (error as Error);
        this.stop(execution, 'FAILED', {
          error: cause?.name ?? 'Error',
          cause: cause?.message ?? String(error),
        });
      },
    );
  }

  /**
   * Sees each of the library's events as it happens: counts the history AWS would record, and fails the
   * execution as AWS does when the history is full or a state's output is over the payload quota (a
   * throw here ends the library's run loop with ExecutionFailed).
   */
  private observe(run: Run, event: LibraryEvent) {
    const { execution } = run;
    if (run.closed) return;
    this.changes++;
    if (CLOSING_EVENTS.has(event.type)) {
      run.closed = true;
      execution.historyEvents = Math.min(QUOTAS.historyEvents, execution.historyEvents + 1);
      return;
    }
    if (event.type === 'ExecutionStarted' && run.revived) return;
    const stateName = event.state?.name;
    const state = stateName ? this.definitions.get(execution.stateMachineArn)?.States[stateName] : undefined;
    if (event.type === 'StateExited' && stateName) checkStateData(stateName, 'result', event.state?.output);
    this.count(run, historyEventsFor(event.type, state));
    if (event.type === 'StateEntered' && stateName) execution.statesEntered.push(stateName);
  }

  /** Adds events to the history, keeping room for the closing one: past that, States.Runtime. */
  private count({ execution }: Run, events: number) {
    const room = QUOTAS.historyEvents - 1 - execution.historyEvents;
    if (events > room) {
      execution.historyEvents = QUOTAS.historyEvents - 1;
      throw historyLimitReached();
    }
    execution.historyEvents += events;
  }

  describeExecution(executionArn: string): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution)
      throw new StatesError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** StopExecution: ends a running execution at once, ABORTED, as an operator or a redeploy stops one. */
  stopExecution(executionArn: string): void {
    this.describeExecution(executionArn);
    const run = this.runs.get(executionArn);
    if (!run) return;
    this.close(run, 'ABORTED', {});
    run.abort();
  }

  listExecutions(): LocalExecution[] {
    return [...this.executions.values()];
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    const result = parseRequestPayload('output', output);
    this.settleTask(taskToken).resolve(result);
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
  private taskHandlers(run: Run) {
    const states = this.definitions.get(run.execution.stateMachineArn)?.States ?? {};
    return Object.fromEntries(
      Object.entries(states)
        .filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task')
        .map(([stateName, state]) => [
          stateName,
          (input: unknown, rawInput?: unknown) =>
            this.invokeTask({ run, stateName, state }, input as JsonObject, rawInput),
        ]),
    ) as never;
  }

  /** A task's input (after Parameters) and its result are state data: over the quota, the execution fails. */
  private async invokeTask(task: RunningTask, input: JsonObject, rawInput: unknown) {
    checkStateData(task.stateName, 'input', input);
    const result = await this.performTask(task, input, rawInput);
    checkStateData(task.stateName, 'result', result);
    return result;
  }

  private async performTask(task: RunningTask, input: JsonObject, rawInput: unknown) {
    const { state } = task;
    if (state.Resource === 'arn:aws:states:::states:startExecution') {
      const started = this.startChild(input);
      this.count(task.run, 1); // TaskSubmitted
      return started;
    }
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
    if (state.Resource === CALLBACK) {
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
      throw error instanceof StatesError ? integrationError(error) : error;
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
    { run, stateName, state }: RunningTask,
    fn: LocalFunction,
    payload: unknown,
    rawInput: unknown,
  ) {
    const { execution } = run;
    const token = Object.values((payload ?? {}) as JsonObject).find(
      (v): v is string => typeof v === 'string' && this.issuedTokens.has(v),
    );
    if (!token)
      throw new StatesError('States.Runtime', 'waitForTaskToken task has no $$.Task.Token in its Payload');
    const timeoutSeconds = checkTaskTimeout(
      stateName,
      state.TimeoutSeconds ??
        (state.TimeoutSecondsPath ? readPath(rawInput, state.TimeoutSecondsPath) : QUOTAS.taskTimeoutSeconds),
    );
    return new Promise((resolve, reject) => {
      const cancelTimer = this.options.clock.at(
        new Date(this.options.clock.now().getTime() + timeoutSeconds * 1000),
        () => {
          this.waitingTasks.delete(token);
          execution.parked = undefined;
          usage.wokeUp(execution.executionArn, 'timer');
          reject(new StatesError('States.Timeout', 'Task timed out'));
        },
      );
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          cancelTimer();
          execution.parked = undefined;
          usage.wokeUp(execution.executionArn, 'answer');
          f(v);
        };
      run.tokens.add(token);
      this.waitingTasks.set(token, {
        resolve: settle(resolve),
        reject: settle(reject),
        cancel: cancelTimer,
      });
      const since = this.options.clock.now();
      // The Lambda's own result is ignored, as in AWS; its failure fails the task.
      this.callLambda(fn, payload).then(
        () => {
          const waiting = this.waitingTasks.get(token);
          if (!waiting) return;
          try {
            this.count(run, 1); // TaskSubmitted
          } catch (error) {
            this.waitingTasks.delete(token);
            return waiting.reject(error as Error);
          }
          // Still unanswered once the Lambda has parked the token: the execution is waiting.
          execution.parked = { state: stateName, since, timeoutSeconds };
          usage.settledDown(execution.executionArn);
          this.changes++;
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

  /**
   * Resolves once nothing is moving: no Lambda invocation under way and every running execution parked
   * in a callback task. How a test proves "nothing more happens" without a fixed sleep.
   */
  async settled(timeoutMs = 10_000): Promise<void> {
    const giveUpAt = Date.now() + timeoutMs;
    const moving = () => [...this.runs.values()].map((r) => r.execution).filter((e) => !e.parked);
    // Two quiet looks in a row: a step that has just returned may be about to enter the next state.
    for (let quiet = 0; quiet < 2; ) {
      if (Date.now() > giveUpAt)
        throw new Error(
          `Not settled after ${timeoutMs} ms: ${moving()
            .map((e) => `${e.name} at ${e.statesEntered.at(-1)}`)
            .join(', ')}`,
        );
      await new Promise((done) => setTimeout(done, 5));
      quiet = this.invocations.size > 0 || this.anyMoving() ? 0 : quiet + 1;
    }
  }

  /**
   * Whether any running execution is between states: looked at every 5 ms while a cohort moves, so it stops
   * at the first one found rather than listing thousands.
   */
  private anyMoving(): boolean {
    for (const { execution } of this.runs.values()) if (!execution.parked) return true;
    return false;
  }

  /** Ends an execution from outside its run (a timeout, an abort), recording its closing event. */
  private close(run: Run, status: ExecutionStatus, result: Partial<LocalExecution>) {
    if (run.closed) return;
    run.closed = true;
    run.execution.historyEvents = Math.min(QUOTAS.historyEvents, run.execution.historyEvents + 1);
    this.stop(run.execution, status, result);
  }

  private stop(execution: LocalExecution, status: ExecutionStatus, result: Partial<LocalExecution>) {
    const run = this.runs.get(execution.executionArn);
    run?.cancelYearLimit();
    this.runs.delete(execution.executionArn);
    // Its parked tokens are answered no more: a late answer hears TaskTimedOut.
    for (const token of run?.tokens ?? []) {
      this.waitingTasks.get(token)?.cancel();
      this.waitingTasks.delete(token);
    }
    execution.parked = undefined;
    usage.settledDown(execution.executionArn);
    this.changes++;
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, { status, stopDate: this.options.clock.now(), ...result });
  }

  /**
   * Aborts every running execution, as StopExecution would, and lets Lambda invocations already under
   * way finish: the local system does this before it closes its database and mail servers.
   */
  async abortAll() {
    for (const run of [...this.runs.values()]) {
      this.close(run, 'ABORTED', {});
      run.abort();
    }
    await Promise.allSettled([...this.invocations]);
  }
}
