/**
 * What a participant-year costs on AWS, from the counts a simulated run took (infra/local/usage.ts), at
 * published eu-west-2 (London) prices; its floor (what the real events need); and the same figure for a
 * design that polls daily. Pure functions of the counts: `npm run bench` prints them.
 */
import { entryOf, OUTSIDE, type UsageCounts } from '../../infra/local/usage.js';

/**
 * On-demand prices in USD, eu-west-2, read 2026-12-02. `checked`: read for London on the cited page;
 * otherwise the page gives only US East's figure or a table this session could not read, and the figure
 * is the London rate as last published (check it before quoting).
 */
export const prices = {
  transition: {
    usd: 0.025 / 1000,
    source: 'https://aws.amazon.com/step-functions/pricing/ (Europe (London), Standard)',
    checked: true,
  },
  lambdaRequest: { usd: 0.2 / 1e6, source: 'https://aws.amazon.com/lambda/pricing/', checked: false },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    source: 'https://aws.amazon.com/lambda/pricing/ (Arm, first tier); INIT billed since 2025-08-01',
    checked: false,
  },
  readRequestUnit: {
    usd: 0.1485 / 1e6,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (London, after the 2024-11-01 halving)',
    checked: false,
  },
  writeRequestUnit: {
    usd: 0.7423 / 1e6,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (London, after the 2024-11-01 halving)',
    checked: false,
  },
  email: { usd: 0.1 / 1000, source: 'https://aws.amazon.com/ses/pricing/ (outbound email)', checked: false },
  apiRequest: {
    usd: 3.7 / 1e6,
    source: 'https://aws.amazon.com/api-gateway/pricing/ (REST, London, first 333 million)',
    checked: false,
  },
  logGigabyte: {
    usd: 0.5985,
    source: 'https://aws.amazon.com/cloudwatch/pricing/ (Logs, standard ingestion, London)',
    checked: false,
  },
  trace: {
    usd: 5 / 1e6,
    source: 'https://aws.amazon.com/xray/pricing/ (traces recorded)',
    checked: false,
  },
  event: {
    usd: 1 / 1e6,
    source: 'https://aws.amazon.com/eventbridge/pricing/ (custom events)',
    checked: false,
  },
} as const;

/** Memory of every function, as infra/constructs/lifecycle-functions.ts configures it. */
export const FUNCTION_MEMORY_GB = 512 / 1024;
/** What Lambda itself writes per invocation (START, END and REPORT lines with an X-Ray id), in bytes. */
export const PLATFORM_LOG_BYTES = 360;

const READS = new Set(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem']);

/** The counts of one cohort's run, per participant. */
export interface Measured {
  participants: number;
  /** Days from the first enrolment to the last re-registration, on the local clock. */
  days: number;
  executions: number;
  /** Milestones put on the bus (counted there: the EventBridge client is not metered). */
  events: number;
  transitionsByMachine: Record<string, number>;
  usage: UsageCounts;
  /** Mean duration of one invocation, per function, measured with nothing else in flight. */
  meanDurationMs: Record<string, number>;
  /** Assumed INIT duration of a cold start (not measurable locally: `npm run bench:cold-start` measures imports). */
  initMs: number;
}

/** Everything the run used, summed over the functions (the harness's own calls left out). */
export function totals(m: Measured) {
  const functions = Object.entries(m.usage.functions);
  const calls = Object.entries(m.usage.calls).filter(([caller]) => caller !== OUTSIDE);
  const byAction: Record<string, { calls: number; capacityUnits: number }> = {};
  for (const [, actions] of calls)
    for (const [action, usage] of Object.entries(actions)) {
      const sum = entryOf(byAction, action, () => ({ calls: 0, capacityUnits: 0 }));
      sum.calls += usage.calls;
      sum.capacityUnits += usage.capacityUnits;
    }
  const dynamodb = Object.entries(byAction).filter(([action]) => action.startsWith('dynamodb:'));
  const sumOf = (
    entries: [string, { calls: number; capacityUnits: number }][],
    field: 'calls' | 'capacityUnits',
  ) => entries.reduce((n, [, usage]) => n + usage[field], 0);
  const requests = Object.entries(m.usage.requests);
  return {
    transitions: Object.values(m.transitionsByMachine).reduce((a, b) => a + b, 0),
    invocations: functions.reduce((n, [, f]) => n + f.invocations, 0),
    coldStarts: functions.reduce((n, [, f]) => n + f.coldStarts, 0),
    gbSeconds: functions.reduce(
      (n, [name, f]) =>
        n +
        (f.invocations * (m.meanDurationMs[name] ?? f.durationMs / f.invocations) * FUNCTION_MEMORY_GB) /
          1000,
      0,
    ),
    logBytes: functions.reduce((n, [, f]) => n + f.logBytes + f.invocations * PLATFORM_LOG_BYTES, 0),
    dynamodbCalls: sumOf(dynamodb, 'calls'),
    dynamodbByOperation: Object.fromEntries(
      dynamodb.map(([action, usage]) => [action.slice(9), usage.calls]),
    ),
    readUnits: sumOf(
      dynamodb.filter(([action]) => READS.has(action)),
      'capacityUnits',
    ),
    writeUnits: sumOf(
      dynamodb.filter(([action]) => !READS.has(action)),
      'capacityUnits',
    ),
    emails: (byAction['ses:SendEmail']?.calls ?? 0) + (byAction['ses:SendRawEmail']?.calls ?? 0),
    events: m.events,
    requests: requests.reduce((n, [, count]) => n + count, 0),
    formPosts: requests.filter(([key]) => key.startsWith('POST ')).reduce((n, [, count]) => n + count, 0),
    formPages: requests.filter(([key]) => key.startsWith('GET ')).reduce((n, [, count]) => n + count, 0),
  };
}
export type Totals = ReturnType<typeof totals>;

/**
 * The floor: what the real events need. Each execution's first and last state, and per necessary wake-up
 * (an answer, or a date on which an email goes) three (the wait ending, the step deciding, the wait
 * again); one read and one write per necessary wake-up and per form post, one read per form page opened
 * (it shows what is asked now), and one write per email (the record that it went).
 */
export function floor(m: Measured, t: Totals) {
  const wakeUps = m.usage.wakeUps.necessary;
  return {
    transitions: 2 * m.executions + 3 * wakeUps,
    dynamodbCalls: 2 * wakeUps + 2 * t.formPosts + t.formPages + t.emails,
  };
}

/** The cost of the totals, by line, in USD. */
export function cost(m: Measured, t: Totals) {
  const lines = {
    'Step Functions transitions': t.transitions * prices.transition.usd,
    'Lambda requests': t.invocations * prices.lambdaRequest.usd,
    'Lambda duration (GB-s)': t.gbSeconds * prices.lambdaArmGbSecond.usd,
    'Lambda INIT (billed cold starts)':
      ((t.coldStarts * m.initMs) / 1000) * FUNCTION_MEMORY_GB * prices.lambdaArmGbSecond.usd,
    'DynamoDB reads (RRU)': t.readUnits * prices.readRequestUnit.usd,
    'DynamoDB writes (WRU)': t.writeUnits * prices.writeRequestUnit.usd,
    'SES emails': t.emails * prices.email.usd,
    'API Gateway requests': t.requests * prices.apiRequest.usd,
    'CloudWatch Logs ingestion': (t.logBytes / 2 ** 30) * prices.logGigabyte.usd,
    'X-Ray traces': t.invocations * prices.trace.usd,
    'EventBridge events': t.events * prices.event.usd,
  };
  return { lines, total: Object.values(lines).reduce((a, b) => a + b, 0) };
}

/**
 * The same events in a design whose executions wake daily to look: per participant and day, one more
 * wake-up that finds nothing due (3 transitions; 2 invocations, the look and the wait's parking, each cold
 * after a day idle and as long as the run's mean; 1 read and 1 write of a record under 1 KB; their logs
 * and traces), on top of everything this run did.
 */
export function dailyPolling(m: Measured, t: Totals): Totals {
  const wakes = m.days * m.participants;
  const meanMs = (t.gbSeconds * 1000) / FUNCTION_MEMORY_GB / Math.max(1, t.invocations);
  const meanLogBytes = t.logBytes / Math.max(1, t.invocations);
  return {
    ...t,
    transitions: t.transitions + 3 * wakes,
    invocations: t.invocations + 2 * wakes,
    coldStarts: t.coldStarts + 2 * wakes,
    gbSeconds: t.gbSeconds + (2 * wakes * meanMs * FUNCTION_MEMORY_GB) / 1000,
    logBytes: t.logBytes + 2 * wakes * meanLogBytes,
    dynamodbCalls: t.dynamodbCalls + 2 * wakes,
    readUnits: t.readUnits + wakes,
    writeUnits: t.writeUnits + wakes,
  };
}
