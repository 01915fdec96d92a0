import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../functions/domain/time.js';
import { iamActionOf } from '../iam-actions.js';
import type { Guardable } from './iam.js';

/**
 * What the local system uses of each AWS service, counted as AWS would bill it: Lambda invocations (with
 * durations, cold starts and the log bytes their handlers write), every SDK call a function makes (by
 * IAM action, with DynamoDB's consumed capacity as dynalite reports it), API Gateway requests, and each
 * execution's wake-ups (whether it woke for an answer or a timer, and whether that wake-up sent an
 * email). Off until `start`: the local runtime's hooks cost nothing in tests.
 */

/** How long an idle Lambda execution environment is assumed to stay warm (AWS does not publish it). */
export const KEEP_WARM_MS = 10 * 60_000;

export interface FunctionUsage {
  invocations: number;
  durationMs: number;
  coldStarts: number;
  logBytes: number;
}

export interface CallUsage {
  calls: number;
  /** DynamoDB's ConsumedCapacity.CapacityUnits summed (read or write units, by the action). */
  capacityUnits: number;
}

export interface WakeUps {
  /** A parked task answered (SendTaskSuccess or Failure): someone posted, or something changed. */
  answer: number;
  /** A parked task timed out: the execution's wait was due. */
  timer: number;
  /** Wake-ups the events needed: every answer, and each timer wake-up that sent an email. */
  necessary: number;
}

export interface UsageCounts {
  functions: Record<string, FunctionUsage>;
  /** By calling function ('(outside)' for the harness and the runtime), then by IAM action. */
  calls: Record<string, Record<string, CallUsage>>;
  /** API Gateway requests, by method and resource template. */
  requests: Record<string, number>;
  wakeUps: WakeUps;
}

interface Wake {
  cause: 'answer' | 'timer';
  emails: number;
}

/** The caller of calls made outside any function: the harness, the runtime. */
export const OUTSIDE = '(outside)';
const EMAIL_ACTIONS = new Set(['ses:SendEmail', 'ses:SendRawEmail']);

/** DynamoDB's ConsumedCapacity of one table. */
interface Capacity {
  CapacityUnits?: number;
}

class UsageMeter {
  private clock: Clock | undefined;
  private counts: UsageCounts = emptyCounts();
  /** Per function, when each of its execution environments was last busy until (clock ms), or busy now. */
  private environments = new Map<string, { busy: boolean; idleSince: number }[]>();
  private wakes = new Map<string, Wake>();
  private readonly invoking = new AsyncLocalStorage<string>();
  private readonly execution = new AsyncLocalStorage<string>();
  private restoreOutput: (() => void) | undefined;

  get enabled(): boolean {
    return this.clock !== undefined;
  }

  /** Starts counting (from zero); `captureLogs` takes what handlers write to stdout and stderr, counting its bytes. */
  start(clock: Clock, { captureLogs = true } = {}) {
    this.clock = clock;
    this.reset();
    if (captureLogs && !this.restoreOutput) this.restoreOutput = this.captureOutput();
  }

  stop() {
    this.clock = undefined;
    this.restoreOutput?.();
    this.restoreOutput = undefined;
  }

  reset() {
    this.counts = emptyCounts();
    this.environments = new Map();
    this.wakes = new Map();
  }

  /** A copy of the counts so far. */
  snapshot(): UsageCounts {
    return structuredClone(this.counts);
  }

  /** Runs a Lambda invocation of `name`, counting it, its duration and, by the keep-warm model, a cold start. */
  async invoke<T>(name: string, invocation: () => Promise<T>): Promise<T> {
    const clock = this.clock;
    if (!clock) return invocation();
    const usage = entryOf(this.counts.functions, name, () => ({
      invocations: 0,
      durationMs: 0,
      coldStarts: 0,
      logBytes: 0,
    }));
    const pool = this.environments.get(name) ?? [];
    this.environments.set(name, pool);
    const now = clock.now().getTime();
    let environment = pool.find((e) => !e.busy && now - e.idleSince <= KEEP_WARM_MS);
    if (!environment) {
      environment = { busy: true, idleSince: now };
      pool.push(environment);
      usage.coldStarts++;
    }
    environment.busy = true;
    usage.invocations++;
    const started = performance.now();
    try {
      return await this.invoking.run(name, invocation);
    } finally {
      usage.durationMs += performance.now() - started;
      environment.busy = false;
      environment.idleSince = clock.now().getTime();
    }
  }

  /** Runs an execution's interpreter: what its Lambdas send is that execution's. */
  withinExecution<T>(executionArn: string, run: () => T): T {
    return this.enabled ? this.execution.run(executionArn, run) : run();
  }

  /** A parked execution woke: for an answer, or its wait timed out. */
  wokeUp(executionArn: string, cause: Wake['cause']) {
    if (this.enabled) this.wakes.set(executionArn, { cause, emails: 0 });
  }

  /** The execution parked again or stopped: the wake-up is over, and counted. */
  settledDown(executionArn: string) {
    const wake = this.wakes.get(executionArn);
    if (!wake) return;
    this.wakes.delete(executionArn);
    this.counts.wakeUps[wake.cause]++;
    if (wake.cause === 'answer' || wake.emails > 0) this.counts.wakeUps.necessary++;
  }

  /** An API Gateway request reached a function. */
  request(method: string, resource: string) {
    if (!this.enabled) return;
    const key = `${method} ${resource}`;
    this.counts.requests[key] = (this.counts.requests[key] ?? 0) + 1;
  }

  /** Counts every call made through `client`, by the calling function; DynamoDB calls with the capacity they consumed. */
  readonly meterCalls = (client: object) => {
    (client as Guardable).middlewareStack.add(
      (next, context) => async (args) => {
        if (!this.enabled) return next(args);
        const action = iamActionOf[context.commandName ?? ''] ?? context.commandName ?? 'unknown';
        const dynamodb = action.startsWith('dynamodb:');
        const output = (await next(
          dynamodb ? { ...args, input: { ReturnConsumedCapacity: 'TOTAL', ...args.input } } : args,
        )) as { output?: { ConsumedCapacity?: Capacity | Capacity[] } };
        const byAction = entryOf(this.counts.calls, this.invoking.getStore() ?? OUTSIDE, () => ({}));
        const usage = entryOf(byAction, action, () => ({ calls: 0, capacityUnits: 0 }));
        usage.calls++;
        // One table's capacity, or (a batch) each table's.
        for (const consumed of [output.output?.ConsumedCapacity ?? []].flat())
          usage.capacityUnits += consumed.CapacityUnits ?? 0;
        const executionArn = this.execution.getStore();
        const wake = executionArn && this.wakes.get(executionArn);
        if (wake && EMAIL_ACTIONS.has(action)) wake.emails++;
        return output;
      },
      { step: 'initialize', name: 'localUsageMeter' },
    );
  };

  /** What a function writes (its logs, as CloudWatch Logs would ingest them) is counted, and printed only if an error. */
  private captureOutput() {
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    streams.forEach((stream, i) => {
      const write = writes[i] as typeof stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        const name = this.invoking.getStore();
        if (name === undefined) return write.call(stream, chunk, ...rest);
        const usage = this.counts.functions[name];
        if (usage) usage.logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        // Errors still show: a run that measures a failure must say so.
        return String(chunk).includes('"level":"ERROR"') ? write.call(stream, chunk, ...rest) : true;
      }) as typeof stream.write;
    });
    return () =>
      streams.forEach((stream, i) => {
        stream.write = writes[i] as typeof stream.write;
      });
  }
}

/** The entry for `key`, added by `make` if there is none yet. */
export function entryOf<T>(record: Record<string, T>, key: string, make: () => T): T {
  const found = record[key];
  if (found !== undefined) return found;
  const made = make();
  record[key] = made;
  return made;
}

function emptyCounts(): UsageCounts {
  return { functions: {}, calls: {}, requests: {}, wakeUps: { answer: 0, timer: 0, necessary: 0 } };
}

/** The local system's one meter: the runtime's hooks report to it, `npm run bench` reads it. */
export const usage = new UsageMeter();
