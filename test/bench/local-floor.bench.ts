/**
 * `npm run bench:local-floor -- --from counts.json [--concurrency 25] [--calls 500] [--json floor.json]`:
 * what the local system's real parts (dynalite behind the table stream, aws-ses-v2-local, s3rver, the
 * local EventBridge, aws-local-stepfunctions) cost per call, with none of our handlers or workflows, so
 * the 60 s target for 1,000 participants (issue 10, target 5) can be judged against what the calls alone
 * need. Each kind of call the lifecycle makes is issued `--calls` times, `--concurrency` at once, through
 * the same SDK clients; then the per-participant-year counts of a lifecycle run (`npm run bench -- --json`)
 * say what those calls cost a participant-year, as counted and at the floor (cost-model.ts).
 *
 * Process CPU includes DynamoDB's thread; the main thread is the one our handlers and Step Functions share,
 * so 1,000 participants take at least the larger of their process CPU over 2 cores and their main thread's.
 * Timings only: nothing here asserts them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { MILESTONE_BUS_NAME } from '../../events/milestones.js';
import { ControllableClock } from '../../infra/local/clock.js';
import { LocalStepFunctions } from '../../infra/local/step-functions.js';
import { stepFunctionsApi } from '../../infra/local/step-functions-api.js';
import { startLocalParts, UPLOADS_BUCKET } from '../../infra/local/system.js';
import { OUTSIDE } from '../../infra/local/usage.js';
import { accreditationTable } from '../../infra/table-design.js';
import { floor, type Measured, totals } from './cost-model.js';
import { machine } from './report.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    concurrency: { type: 'string', default: '25' },
    calls: { type: 'string', default: '500' },
    json: { type: 'string' },
  },
});
if (!values.from) throw new Error('--from <the JSON of npm run bench -- --json> is required');
const { measured } = JSON.parse(readFileSync(values.from, 'utf8')) as { measured: Measured };
const concurrency = Number(values.concurrency);
const calls = Number(values.calls);

const uploadsDir = mkdtempSync(join(tmpdir(), 'local-floor-s3-'));
const clock = new ControllableClock();
// The stream's batches go nowhere: PublishMilestones is ours, not a part.
const parts = await startLocalParts({ uploadsDir, clock, deliver: async () => ({ batchItemFailures: [] }) });

// Step Functions with no functions of ours: a machine that ends at once, and one that parks on a token.
const tokens: string[] = [];
const stepFunctions = new LocalStepFunctions({
  clock,
  region: parts.aws.region,
  account: '000000000000',
  functions: new Map([
    [
      'Park',
      async (payload) => {
        tokens.push((payload as { taskToken: string }).taskToken);
      },
    ],
  ]),
});
const ends = stepFunctions.createStateMachine(
  'Ends',
  JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
);
const parks = stepFunctions.createStateMachine(
  'Parks',
  JSON.stringify({
    StartAt: 'Wait',
    States: {
      Wait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'arn:aws:lambda:eu-west-2:000000000000:function:Park',
          Payload: { 'taskToken.$': '$$.Task.Token' },
        },
        End: true,
      },
    },
  }),
);
const sfnApi = stepFunctionsApi(stepFunctions);
const sfnServer = createServer((request, response) => void sfnApi(request, response));
await new Promise<void>((done) => sfnServer.listen(0, '127.0.0.1', done));

const { region, credentials, endpoints } = parts.aws;
const config = { region, credentials };
const dynamodb = new DynamoDBClient({ ...config, endpoint: endpoints.dynamodb });
const ses = new SESClient({ ...config, endpoint: endpoints.ses });
const s3 = new S3Client({ ...config, endpoint: endpoints.s3, forcePathStyle: true });
const events = new EventBridgeClient({ ...config, endpoint: endpoints.events });
const sfn = new SFNClient({
  ...config,
  endpoint: `http://127.0.0.1:${(sfnServer.address() as AddressInfo).port}`,
});

const TableName = accreditationTable.TableName;
const record = (i: number) => ({ PK: { S: `PARTICIPANT#bench-${i}` }, SK: { S: 'RECORD' } });
const cohort = { PK: { S: 'COHORT#bench' }, SK: { S: 'COHORT' } };
const ask = (i: number) => ({ PK: { S: `PARTICIPANT#bench-${i}` }, SK: { S: 'ASK#report' } });
/** About the size of a participant's record: a few kilobytes of state. */
const history = { S: 'x'.repeat(2_000) };
const email = (i: number) => ({
  Source: 'PD Lead accreditation <no-reply@accreditation.localhost>',
  Destination: { ToAddresses: [`lead-${i}@school.localhost`] },
  Message: {
    Subject: { Data: 'Your termly report is due' },
    Body: { Text: { Data: 'y'.repeat(1_000) }, Html: { Data: `<p>${'y'.repeat(2_000)}</p>` } },
  },
});
const invite = (i: number) =>
  Buffer.from(
    `From: no-reply@accreditation.localhost\r\nTo: lead-${i}@school.localhost\r\nSubject: Day 1\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n${'BEGIN:VEVENT\r\n'.repeat(100)}`,
  );
const certificate = Buffer.alloc(30_000, 1);

/** Each kind of call the lifecycle makes, by the IAM action the usage meter counts it under. */
const kinds: { action: string; call: (i: number) => Promise<unknown> }[] = [
  {
    action: 'dynamodb:GetItem',
    call: (i) => dynamodb.send(new GetItemCommand({ TableName, Key: record(i) })),
  },
  {
    action: 'dynamodb:BatchGetItem',
    call: (i) =>
      dynamodb.send(
        new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: [record(i), cohort, ask(i)] } } }),
      ),
  },
  {
    action: 'dynamodb:PutItem',
    call: () =>
      dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: { PK: { S: `PARTICIPANT#${randomUUID()}` }, SK: { S: 'WAIT' }, history },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
  },
  {
    action: 'dynamodb:UpdateItem',
    call: (i) =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName,
          Key: record(i),
          UpdateExpression: 'SET #stage = :stage ADD revision :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#stage': 'stage' },
          ExpressionAttributeValues: { ':stage': { S: `stage-${i}` }, ':one': { N: '1' } },
        }),
      ),
  },
  {
    action: 'dynamodb:Query',
    call: (i) =>
      dynamodb.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': record(i).PK },
        }),
      ),
  },
  { action: 'ses:SendEmail', call: (i) => ses.send(new SendEmailCommand(email(i))) },
  {
    action: 'ses:SendRawEmail',
    call: (i) => ses.send(new SendRawEmailCommand({ RawMessage: { Data: invite(i) } })),
  },
  {
    action: 'events:PutEvents',
    call: (i) =>
      events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: MILESTONE_BUS_NAME,
              Source: 'pd-accreditation',
              DetailType: 'ParticipantAccredited',
              Detail: JSON.stringify({ participantId: `bench-${i}` }),
            },
          ],
        }),
      ),
  },
  {
    action: 's3:PutObject',
    call: (i) =>
      s3.send(
        new PutObjectCommand({
          Bucket: UPLOADS_BUCKET,
          Key: `certificates/bench-${i}.pdf`,
          Body: certificate,
        }),
      ),
  },
  {
    action: 's3:ListBucket',
    call: (i) => s3.send(new ListObjectsV2Command({ Bucket: UPLOADS_BUCKET, Prefix: `uploads/bench-${i}/` })),
  },
  {
    action: 'states:StartExecution',
    call: () => sfn.send(new StartExecutionCommand({ stateMachineArn: ends, input: '{}' })),
  },
  {
    action: 'states:SendTaskSuccess',
    call: () => sfn.send(new SendTaskSuccessCommand({ taskToken: tokens.pop() ?? '', output: '{}' })),
  },
];

/** Before the timing, so reads find what the lifecycle's find: records, a cohort, asks, parked tasks. */
async function prepare() {
  for (let i = 0; i < calls; i++) {
    await dynamodb.send(
      new PutItemCommand({ TableName, Item: { ...record(i), history, revision: { N: '0' } } }),
    );
    await dynamodb.send(new PutItemCommand({ TableName, Item: { ...ask(i), history } }));
    stepFunctions.startExecution(parks);
  }
  await dynamodb.send(new PutItemCommand({ TableName, Item: { ...cohort, history } }));
  await stepFunctions.settled();
  if (tokens.length !== calls) throw new Error(`${tokens.length} of ${calls} executions parked`);
}

const cpuMs = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000;

/** `calls` calls, `concurrency` at a time, and what follows from them (executions run on) settled. */
async function measure(call: (i: number) => Promise<unknown>) {
  const cpu = process.cpuUsage();
  const mainThread = process.threadCpuUsage();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < calls) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
  await stepFunctions.settled();
  await parts.tableStream.drained();
  return {
    cpuMs: cpuMs(process.cpuUsage(cpu)) / calls,
    mainThreadMs: cpuMs(process.threadCpuUsage(mainThread)) / calls,
    wallMs: (performance.now() - started) / calls,
  };
}

await prepare();
// One round first, unmeasured: loading each client's modules and warming the JIT is not a call's cost.
for (const { call } of kinds.filter(({ action }) => action !== 'states:SendTaskSuccess')) await call(0);
const perCall = new Map<string, Awaited<ReturnType<typeof measure>>>();
for (const { action, call } of kinds) perCall.set(action, await measure(call));

// What a participant-year calls, by action, as the lifecycle counted it (the harness's own calls apart).
const counted: Record<string, number> = {};
for (const [caller, actions] of Object.entries(measured.usage.calls))
  if (caller !== OUTSIDE)
    for (const [action, { calls: n }] of Object.entries(actions))
      counted[action] = (counted[action] ?? 0) + n / measured.participants;
const t = totals(measured);
// The floor counts DynamoDB calls only: the rest (emails, events, the answers' SendTaskSuccess) are as needed.
const dynamodbFloor = floor(measured, t).dynamodbCalls / measured.participants;
const dynamodbCounted = t.dynamodbCalls / measured.participants;

type Cost = { cpuMs: number; mainThreadMs: number };
const cost = (scaleDynamodb: number): Cost => {
  const sum = { cpuMs: 0, mainThreadMs: 0 };
  for (const [action, n] of Object.entries(counted)) {
    const each = perCall.get(action);
    if (!each) continue;
    const scale = action.startsWith('dynamodb:') ? scaleDynamodb : 1;
    sum.cpuMs += n * scale * each.cpuMs;
    sum.mainThreadMs += n * scale * each.mainThreadMs;
  }
  return sum;
};
const asCounted = cost(1);
const atFloor = cost(dynamodbFloor / dynamodbCounted);
/**
 * Seconds for 1,000 participants (ms per participant × 1,000 = seconds): process CPU over 2 cores, the
 * main thread's, and the larger of them.
 */
const thousand = ({ cpuMs, mainThreadMs: mainThread }: Cost) => {
  const cores = cpuMs / 2;
  return { cores, mainThread, least: Math.max(cores, mainThread) };
};
const unmeasured = Object.keys(counted).filter((action) => !perCall.has(action));

const f = (n: number, digits = 2) => n.toFixed(digits).padStart(8);
console.log(`${machine()}

Local floor: each call ${calls} times, ${concurrency} at once, through the SDK to the real local parts
(none of our handlers or workflows); per participant-year counts from ${values.from} (${measured.participants} participants)

| call                     | CPU ms/call | main-thread ms/call | wall ms/call | per participant-year | CPU ms/participant-year | main-thread ms/participant-year |
| ------------------------ | ----------: | ------------------: | -----------: | -------------------: | ----------------------: | ------------------------------: |`);
for (const [action, each] of perCall) {
  const n = counted[action] ?? 0;
  console.log(
    `| ${action.padEnd(24)} | ${f(each.cpuMs, 3)} | ${f(each.mainThreadMs, 3)} | ${f(each.wallMs, 3)} | ${f(n, 1)} | ${f(n * each.cpuMs)} | ${f(n * each.mainThreadMs)} |`,
  );
}
const summary = (name: string, c: Cost) => {
  const s = thousand(c);
  console.log(
    `| ${name.padEnd(34)} | ${f(c.cpuMs, 1)} | ${f(c.mainThreadMs, 1)} | ${f(s.cores, 1)} | ${f(s.mainThread, 1)} | ${f(s.least, 1)} |`,
  );
};
console.log(`
Calls alone, per participant-year and for 1,000 participants on 2 cores (seconds)

| counts                             | CPU ms   | main ms  | CPU / 2  | main     | least    |
| ---------------------------------- | -------: | -------: | -------: | -------: | -------: |`);
summary('as counted', asCounted);
summary(`DynamoDB at the floor (${dynamodbFloor.toFixed(1)})`, atFloor);
if (unmeasured.length) console.log(`\nCounted but not measured here: ${unmeasured.join(', ')}`);

if (values.json)
  writeFileSync(
    values.json,
    `${JSON.stringify(
      {
        calls,
        concurrency,
        perCall: Object.fromEntries(perCall),
        perParticipantYear: counted,
        asCounted: { ...asCounted, thousandParticipantsSeconds: thousand(asCounted) },
        atFloor: { dynamodbCalls: dynamodbFloor, ...atFloor, thousandParticipantsSeconds: thousand(atFloor) },
      },
      null,
      2,
    )}\n`,
  );

await new Promise((done) => sfnServer.close(done));
await parts.stop();
rmSync(uploadsDir, { recursive: true, force: true });
// Every figure is printed and the parts stopped: do not wait for idle sockets to time out.
process.exit(0);
