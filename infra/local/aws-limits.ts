/**
 * What AWS Step Functions refuses and how it says so: its named errors and the quotas of a Standard
 * execution, so the local runtime fails exactly where AWS would.
 */

export const QUOTAS = {
  executionNameLength: 80,
  historyEvents: 25_000,
  /** Execution input, state input and output, task results, SendTaskSuccess output: UTF-8 bytes. */
  payloadBytes: 262_144,
  executionMs: 365 * 86_400_000,
  /**
   * A Task's TimeoutSeconds, or what its TimeoutSecondsPath selects: a positive whole number of seconds,
   * at most 99,999,999 (the documented default, and the most a definition may give).
   */
  taskTimeoutSeconds: 99_999_999,
} as const;

/** An error Step Functions would raise by name (States.Timeout, a Lambda's error type, an API exception …). */
export class StatesError extends Error {
  /** aws-local-stepfunctions retries unless told otherwise; AWS never retries States.Timeout under States.TaskFailed. */
  readonly isRetryable: boolean;
  /** A terminal error (States.DataLimitExceeded, States.Runtime) is neither retried nor caught, not even by States.ALL. */
  readonly isCatchable: boolean;
  constructor(name: string, message: string, { terminal = false } = {}) {
    super(message);
    this.name = name;
    this.isRetryable = !terminal && name !== 'States.Timeout';
    this.isCatchable = !terminal;
  }
}

/** The API's own check of a request field's length, as every AWS JSON API words it. */
const tooLong = (field: string, max: number, value?: string) =>
  new StatesError(
    'ValidationException',
    `1 validation error detected: Value ${value === undefined ? '' : `'${value}' `}at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  );

/** Whitespace, brackets, wildcards, AWS's special characters, control characters, non-characters and lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what AWS forbids in a name
const FORBIDDEN_IN_NAMES = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff\ud800-\udfff]/u;

/** StartExecution's checks of a name: its length (ValidationException) and its characters (InvalidName). */
export function checkExecutionName(name: string) {
  if (name.length === 0)
    throw new StatesError(
      'ValidationException',
      "1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  if (name.length > QUOTAS.executionNameLength) throw tooLong('name', QUOTAS.executionNameLength, name);
  if (FORBIDDEN_IN_NAMES.test(name)) throw new StatesError('InvalidName', `Invalid Name: '${name}'`);
}

const bytes = (json: string) => Buffer.byteLength(json, 'utf8');

/** An API request's JSON (StartExecution's input, SendTaskSuccess's output): too big, or not JSON. */
export function parseRequestPayload(field: 'input' | 'output', json: string): unknown {
  if (bytes(json) > QUOTAS.payloadBytes) throw tooLong(field, QUOTAS.payloadBytes);
  try {
    return JSON.parse(json);
  } catch {
    const [name, what] = field === 'input' ? ['InvalidExecutionInput', 'input'] : ['InvalidOutput', 'output'];
    throw new StatesError(name, `Invalid State Machine Execution ${what}: not valid JSON`);
  }
}

/** A state's data over the quota fails the execution with States.DataLimitExceeded, which nothing catches. */
export function checkStateData(stateName: string, what: 'input' | 'result', value: unknown) {
  if (bytes(JSON.stringify(value) ?? '') <= QUOTAS.payloadBytes) return;
  const data = what === 'input' ? 'has input' : 'returned a result';
  throw new StatesError(
    'States.DataLimitExceeded',
    `The state/task '${stateName}' ${data} with a size exceeding the maximum number of bytes service limit.`,
    { terminal: true },
  );
}

/**
 * A task's timeout as AWS takes it: a whole number of seconds from 1 to the quota. Anything else (from a
 * TimeoutSecondsPath: a fraction, zero, a string, a longer wait) fails the execution with States.Runtime,
 * which no Retry or Catch sees.
 */
export function checkTaskTimeout(stateName: string, seconds: unknown): number {
  if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 1)
    if (seconds <= QUOTAS.taskTimeoutSeconds) return seconds;
  throw new StatesError(
    'States.Runtime',
    `The state '${stateName}' has a timeout of ${JSON.stringify(seconds)}: it must be a whole number of seconds from 1 to ${QUOTAS.taskTimeoutSeconds}.`,
    { terminal: true },
  );
}

export const historyLimitReached = () =>
  new StatesError(
    'States.Runtime',
    `The execution reached the maximum number of history events (${QUOTAS.historyEvents}).`,
    { terminal: true },
  );

/** A state as the history counts it. */
export interface CountedState {
  Type: string;
  Resource?: string;
}

/**
 * How many events AWS's execution history records for one of aws-local-stepfunctions' events. A Task
 * attempt is TaskScheduled and TaskStarted (a callback task or a service integration adds TaskSubmitted
 * once submitted: counted by the runtime when it happens), then TaskSucceeded, TaskFailed or TaskTimedOut;
 * every state has its XStateEntered and XStateExited, but a Fail state (or a failing Choice) goes straight
 * to ExecutionFailed.
 */
export function historyEventsFor(eventType: string, state?: CountedState): number {
  const task = state?.Type === 'Task';
  switch (eventType) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
      return 1;
    case 'StateEntered':
      return task ? 3 : 1;
    case 'StateRetried':
      return task ? 2 : 0;
    case 'StateFailed':
      return task ? 1 : 0;
    case 'StateExited':
      return task ? 2 : 1;
    case 'StateCaught':
      return 1;
    default:
      return 0;
  }
}

/** The closing events: the last an execution records. */
export const CLOSING_EVENTS = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimeout',
]);

/** The service integration reports an API's exception by service and exception name, as Retry and Catch see it. */
export const integrationError = (error: StatesError) =>
  error.name.startsWith('States.')
    ? error
    : new StatesError(
        `StepFunctions.${error.name.endsWith('Exception') ? error.name : `${error.name}Exception`}`,
        error.message,
      );
