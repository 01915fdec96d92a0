// First: the X-Ray SDK reads its mode when it loads.
import './x-ray.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import sesLocal from 'aws-ses-v2-local';
import { MILESTONE_BUS_NAME } from '../../events/milestones.js';
import { inputIssues } from '../../functions/admin/command.js';
import { findBreaches } from '../../functions/admin/invariants.js';
import { entryPoints, type WorkflowTaskName, workflowTasks } from '../../functions/catalog.js';
import type { BatchResponse } from '../../functions/events/publish-milestones.js';
import { formsHandler } from '../../functions/forms/forms-handler.js';
import type { FunctionName } from '../../functions/permissions.js';
import { publicHandler } from '../../functions/public/public-handler.js';
import { type Dependencies, dependenciesFrom } from '../../functions/shared/dependencies.js';
import {
  readWorkflow,
  substitute,
  type WorkflowName,
  workflowFiles,
  workflowSubstitutions,
} from '../../workflows/definitions.js';
import { accreditationTable, idempotencyTable } from '../table-design.js';
import { ControllableClock } from './clock.js';
import { type LocalEventBus, startLocalEventBus } from './event-bus.js';
import { enforceGrants } from './iam.js';
import { invokeLocally } from './lambda-context.js';
import {
  keepRuntimeState,
  readRuntimeState,
  restoreMailbox,
  resumedClockOffset,
  runtimeDirectory,
} from './runtime-state.js';
import { type LocalS3, startLocalS3 } from './s3.js';
import { collectSnapshot } from './snapshot.js';
import { startLocalSns } from './sns.js';
import { type LocalFunction, LocalStepFunctions } from './step-functions.js';
import { stepFunctionsApi } from './step-functions-api.js';
import { type LocalTableStream, type StreamRecord, startLocalTableStream } from './table-stream.js';
import { usage } from './usage.js';

// aws-ses-v2-local is CommonJS: Node hands us its exports object, Vite its default export.
const startSesServer = (
  typeof sesLocal === 'function' ? sesLocal : sesLocal.default
) as typeof sesLocal.default;

const REGION = 'eu-west-2';
const ACCOUNT = '000000000000';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const root = resolve(import.meta.dirname, '../..');
/** The bucket participants' files and issued certificates go to, as infra/constructs/uploads.ts creates it on AWS. */
export const UPLOADS_BUCKET = 'pd-accreditation-uploads';

export interface LocalSystemOptions {
  /**
   * Keep DynamoDB data on disk here, and in its `runtime/` folder the clock, the mailbox and the
   * executions, so a restart carries on where the last run stopped; all in memory when absent (tests).
   */
  dataDir?: string;
  /** Keep uploaded files here; in a temporary folder, removed on stop, when absent (tests). */
  uploadsDir?: string;
  /** Fixed ports for `npm start`; 0 (any free port) by default so test files can run side by side. */
  ports?: { http?: number; mail?: number; dynamodb?: number; s3?: number };
  adminEmail?: string;
  /** Pause between retries of a failed step; real ASL intervals when absent. */
  retryIntervalMs?: number;
}

export interface LocalSystem {
  urls: { app: string; forms: string; mailbox: string; dynamodb: string; s3: string };
  clock: ControllableClock;
  stepFunctions: LocalStepFunctions;
  /** The participant lifecycle, which admins start by enrolling someone. */
  stateMachineArn: string;
  /** Every state machine, by workflow name: the lifecycle starts the accredited years at accreditation. */
  stateMachineArns: Record<WorkflowName, string>;
  dependencies: Dependencies;
  /** Runs an admin command through the real Admin handler, as `aws lambda invoke` would. */
  admin(command: unknown): Promise<unknown>;
  /** Runs the daily reconciler through the real Reconcile handler, as its schedule would. */
  reconcile(): Promise<unknown>;
  /** The milestone bus: what PublishMilestones put on it, and rules to subscribe with (events/milestones.ts). */
  eventBus: LocalEventBus;
  /** The table's stream to PublishMilestones: `drained()` once every change is published. */
  tableStream: LocalTableStream;
  /** Runs the weekly digest through the real WeeklyDigest handler, as its schedule would. */
  weeklyDigest(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Idle connections are left for the client to close, as AWS's endpoints keep them a minute: with Node's
 * 5 seconds, a busy process could close one just as fetch reuses it (ECONNRESET).
 */
const keptAlive = <T extends Server>(server: T) => {
  server.keepAliveTimeout = 30_000;
  return server;
};

const listen = (server: Server, port: number) =>
  new Promise<number>((done) =>
    server.listen(port, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );

async function createTables(client: DynamoDBClient) {
  for (const table of [accreditationTable, idempotencyTable]) {
    try {
      await client.send(new CreateTableCommand(table));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}

/** A middy handler as Lambda would call it, with a fresh context per invocation and its role's grants. */
const asLocalFunction =
  (name: FunctionName, handler: (event: never, context: Context) => Promise<unknown>): LocalFunction =>
  (payload) =>
    invokeLocally(name, handler, payload as never);

/** The local stand-ins for AWS's services, with none of our handlers or workflows wired to them. */
export interface LocalParts {
  /** SES's endpoint, which keeps every email in the mailbox. */
  mailboxUrl: string;
  s3: LocalS3;
  eventBus: LocalEventBus;
  /** DynamoDB (dynalite, in a thread of its own) behind the table stream's capture, the tables created. */
  tableStream: LocalTableStream;
  /** Region, credentials and endpoints, as the SDK clients take them. */
  aws: {
    region: string;
    credentials: typeof credentials;
    endpoints: Record<'dynamodb' | 'ses' | 's3' | 'events', string>;
  };
  stop(): Promise<void>;
}

/**
 * Starts the services the system runs on (SES, S3, EventBridge, DynamoDB with its stream): the local
 * system wires our handlers to them, `npm run bench:local-floor` measures what a call to each costs.
 */
export async function startLocalParts(
  options: Pick<LocalSystemOptions, 'dataDir' | 'ports' | 'retryIntervalMs'> & {
    uploadsDir: string;
    clock: ControllableClock;
    /** What the table's stream hands each batch of changes to (PublishMilestones, in the system). */
    deliver(batch: { Records: StreamRecord[] }): Promise<BatchResponse>;
  },
): Promise<LocalParts> {
  const mail = keptAlive(await startSesServer({ host: '127.0.0.1', port: options.ports?.mail ?? 0 }));
  mkdirSync(options.uploadsDir, { recursive: true });
  const s3 = await startLocalS3({
    port: options.ports?.s3 ?? 0,
    directory: options.uploadsDir,
    bucket: UPLOADS_BUCKET,
    region: REGION,
    credentials,
  });
  const eventBus = await startLocalEventBus({
    port: 0,
    busName: MILESTONE_BUS_NAME,
    region: REGION,
    account: ACCOUNT,
  });
  // DynamoDB, in a thread of its own: every client goes through the stream's capture, as every write on
  // AWS reaches the table's stream.
  const tableStream = await startLocalTableStream({
    port: options.ports?.dynamodb ?? 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    tableName: accreditationTable.TableName,
    region: REGION,
    account: ACCOUNT,
    clock: options.clock,
    retryIntervalMs: options.retryIntervalMs ?? 1000,
    deliver: options.deliver,
  });
  await createTables(new DynamoDBClient({ region: REGION, credentials, endpoint: tableStream.url }));
  const mailboxUrl = `http://localhost:${(mail.address() as AddressInfo).port}`;
  return {
    mailboxUrl,
    s3,
    eventBus,
    tableStream,
    aws: {
      region: REGION,
      credentials,
      endpoints: { dynamodb: tableStream.url, ses: mailboxUrl, s3: s3.url, events: eventBus.url },
    },
    async stop() {
      // Every change is published before the table goes.
      await tableStream.stop();
      await eventBus.stop();
      await new Promise((done) => {
        mail.closeAllConnections?.();
        mail.close(done);
      });
      await s3.stop();
    },
  };
}

/** Starts everything `cdk deploy` would create, on this machine, wired to the real handlers and ASL. */
export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const runtimeDir = options.dataDir && runtimeDirectory(options.dataDir);
  const saved = runtimeDir ? readRuntimeState(runtimeDir) : {};
  const uploadsDir = options.uploadsDir ?? mkdtempSync(resolve(tmpdir(), 'pd-accreditation-s3-'));
  const clock = new ControllableClock(resumedClockOffset(saved.clock));
  let publishMilestones: (batch: { Records: StreamRecord[] }) => Promise<BatchResponse> = async () => {
    throw new Error('PublishMilestones is not loaded yet');
  };
  const parts = await startLocalParts({
    ...options,
    uploadsDir,
    clock,
    deliver: (batch) => publishMilestones(batch),
  });
  const { mailboxUrl, eventBus, tableStream } = parts;
  const app = keptAlive(createServer());
  const appPort = await listen(app, options.ports?.http ?? 0);
  const adminEmail = options.adminEmail ?? 'programme-admin@accreditation.localhost';
  // The admin's alerts topic, delivering to its email subscription: the admin's address in the mailbox.
  const mailboxClient = new SESClient({ region: REGION, credentials, endpoint: mailboxUrl });
  const sns = await startLocalSns({
    port: 0,
    topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:AdminAlerts`,
    deliver: async ({ subject, message }) => {
      await mailboxClient.send(
        new SendEmailCommand({
          Source: 'PD accreditation alerts <no-reply@sns.localhost>',
          Destination: { ToAddresses: [adminEmail] },
          Message: { Subject: { Data: subject }, Body: { Text: { Data: message } } },
        }),
      );
    },
  });

  const urls = {
    app: `http://localhost:${appPort}`,
    forms: `http://localhost:${appPort}/`,
    mailbox: mailboxUrl,
    dynamodb: tableStream.url,
    s3: parts.s3.url,
  };
  // aws-ses-v2-local keeps one mailbox per process: a new system starts with it empty, or as it was saved.
  await fetch(`${urls.mailbox}/clear-store`, { method: 'POST' });
  restoreMailbox(saved.mailbox);
  const aws = { ...parts.aws, endpoints: { ...parts.aws.endpoints, sfn: urls.app, sns: sns.url } };

  const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  const stateMachineArns = Object.fromEntries(
    (Object.keys(workflowFiles) as WorkflowName[]).map((name) => [
      name,
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
    ]),
  ) as Record<WorkflowName, string>;
  const stateMachineArn = stateMachineArns.ParticipantLifecycle;
  const env = {
    TABLE_NAME: accreditationTable.TableName,
    IDEMPOTENCY_TABLE_NAME: idempotencyTable.TableName,
    EMAIL_FROM: 'PD Lead accreditation <no-reply@accreditation.localhost>',
    ADMIN_EMAIL: adminEmail,
    FORMS_BASE_URL: urls.forms,
    STATE_MACHINE_ARN: stateMachineArn,
    ACCREDITED_YEARS_STATE_MACHINE_ARN: stateMachineArns.AccreditedYears,
    WAITING_LIST_STATE_MACHINE_ARN: stateMachineArns.WaitingListInvitations,
    UPLOADS_BUCKET,
  };
  // Each function's role checks its calls; the usage meter counts them (npm run bench).
  const guard = (client: object) => {
    enforceGrants(client);
    usage.meterCalls(client);
  };
  const dependencies = dependenciesFrom(env, { clock, aws: { ...aws, guard } });

  const functions = new Map<string, LocalFunction>();
  for (const name of Object.keys(workflowTasks) as WorkflowTaskName[]) {
    const module = await import(resolve(root, workflowTasks[name]));
    functions.set(
      name,
      asLocalFunction(
        name,
        module[name].handler(() => dependencies),
      ),
    );
  }
  const { Admin } = await import(resolve(root, entryPoints.Admin));
  const admin = asLocalFunction(
    'Admin',
    Admin.handler(() => dependencies),
  );
  // Only the reconciler is told the alerts topic, as on AWS.
  const reconcileDependencies = dependenciesFrom(
    { ...env, ALERT_TOPIC_ARN: sns.topicArn },
    { clock, aws: { ...aws, guard } },
  );
  const { Reconcile } = await import(resolve(root, entryPoints.Reconcile));
  const reconcile = asLocalFunction(
    'Reconcile',
    Reconcile.handler(() => reconcileDependencies),
  );
  // Only the publisher is told the milestone bus, as on AWS.
  const publishDependencies = dependenciesFrom(
    { ...env, MILESTONE_BUS_NAME },
    {
      clock,
      aws: {
        ...aws,
        guard: usage.meterCalls,
      },
    },
  );
  const { PublishMilestones } = await import(resolve(root, entryPoints.PublishMilestones));
  const publish = asLocalFunction(
    'PublishMilestones',
    PublishMilestones.handler(() => publishDependencies),
  );
  publishMilestones = async (batch) => (await publish(batch)) as BatchResponse;
  const { WeeklyDigest } = await import(resolve(root, entryPoints.WeeklyDigest));
  const weeklyDigest = asLocalFunction(
    'WeeklyDigest',
    WeeklyDigest.handler(() => dependencies),
  );
  const forms = formsHandler(() => dependencies);
  const publicPages = publicHandler(() => dependencies);

  const stepFunctions = new LocalStepFunctions({
    clock,
    functions,
    region: REGION,
    account: ACCOUNT,
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
  });
  const substitutions = workflowSubstitutions(functionArn, stateMachineArns.AccreditedYears);
  for (const name of Object.keys(workflowFiles) as WorkflowName[])
    stepFunctions.createStateMachine(name, substitute(readWorkflow(name), substitutions));

  const sfnApi = stepFunctionsApi(stepFunctions);
  // The whole-system invariants, for an admin: the breaches in a snapshot taken once nothing moves.
  const checkInvariants = async () => findBreaches(await collectSnapshot(system));
  app.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const route = request.headers['x-amz-target']
      ? sfnApi(request, response)
      : request.url?.startsWith('/r/')
        ? serveForm(forms, request, response)
        : /^\/(certificates\/|directory|waiting-list\/|applications\/)/.test(request.url ?? '')
          ? servePublic(publicPages, request, response)
          : request.url?.startsWith('/admin/')
            ? serveAdmin(admin, clock, checkInvariants, request, response)
            : serveHome(urls, response);
    route.catch((error: Error) => {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(`Local runtime error: ${error.message}`);
    });
  });
  // Once everything they call is up: the executions of the last run, those still running revived.
  stepFunctions.restore(saved.executions ?? []);
  const keeper = runtimeDir ? keepRuntimeState(runtimeDir, clock, stepFunctions) : undefined;

  const system: LocalSystem = {
    urls,
    clock,
    stepFunctions,
    stateMachineArn,
    stateMachineArns,
    dependencies,
    admin,
    reconcile: () => reconcile({}),
    eventBus,
    tableStream,
    weeklyDigest: () => weeklyDigest({}),
    async stop() {
      keeper?.stopWatching();
      // Kept as running, to be revived on the next start: stopping the local system is not StopExecution.
      const executions = stepFunctions.snapshot();
      clock.cancelAll();
      await stepFunctions.abortAll();
      // After the Lambdas under way have finished, so the mailbox holds what they sent.
      keeper?.saveAll(executions);
      // Every change they made is published before the parts go.
      await parts.stop();
      await new Promise((done) => {
        app.closeAllConnections?.();
        app.close(done);
      });
      await sns.stop();
      if (!options.uploadsDir) rmSync(uploadsDir, { recursive: true, force: true });
    },
  };
  return system;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** API Gateway's REST proxy event, built from a plain Node request. */
async function serveForm(
  forms: ReturnType<typeof formsHandler>,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  // A mangled link (bad percent-encoding) is just an unknown link, as API Gateway would pass it on.
  const secret = safeDecode(url.pathname.slice('/r/'.length));
  const event = await apiGatewayEvent(request, url, '/r/{secret}', { secret });
  respond(request, response, await invokeLocally('Forms', forms, event));
}

/** A request as API Gateway's REST proxy integration hands it to a function. */
async function apiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  resource: string,
  pathParameters: Record<string, string> | null,
): Promise<APIGatewayProxyEvent> {
  usage.request(request.method ?? 'GET', resource);
  return {
    httpMethod: request.method ?? 'GET',
    path: url.pathname,
    resource,
    pathParameters,
    // As API Gateway passes them: the last value of each, or null when there are none.
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : null,
    headers: {
      ...Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      'x-forwarded-proto': 'http',
    },
    multiValueHeaders: {},
    body: await readBody(request),
    isBase64Encoded: false,
    requestContext: {
      domainName: request.headers.host ?? 'localhost',
      path: url.pathname,
      identity: { sourceIp: request.socket.remoteAddress ?? '127.0.0.1' },
    },
  } as unknown as APIGatewayProxyEvent;
}

/** Writes a function's result as API Gateway would: binary bodies decoded, no body for HEAD. */
function respond(request: IncomingMessage, response: ServerResponse, result: APIGatewayProxyResult) {
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** API Gateway's resource templates for the public pages, as infra/constructs/forms-api.ts declares them. */
const publicResources: [RegExp, string][] = [
  [/^\/certificates\/([^/]+)$/, '/certificates/{code}'],
  [/^\/certificates\/([^/]+)\/verify$/, '/certificates/{code}/verify'],
  [/^\/directory$/, '/directory'],
  [/^\/directory\.json$/, '/directory.json'],
  [/^\/waiting-list\/([^/]+)\/([^/]+)$/, '/waiting-list/{programmeId}/{pathway}'],
  [/^\/applications\/([^/]+)$/, '/applications/{cohortId}'],
];

/** The certificate and directory pages, as API Gateway would call the Public function (binary as base64). */
async function servePublic(
  publicPages: ReturnType<typeof publicHandler>,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const matched = publicResources.find(([path]) => path.test(url.pathname));
  if (!matched) {
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    return response.end('Not found\n');
  }
  const [path, resource] = matched;
  const [, first, second] = path.exec(url.pathname) ?? [];
  const parameters: Record<string, string> | null =
    second !== undefined
      ? { programmeId: safeDecode(first ?? ''), pathway: safeDecode(second) }
      : first !== undefined
        ? { [resource.startsWith('/applications') ? 'cohortId' : 'code']: safeDecode(first) }
        : null;
  const event = await apiGatewayEvent(request, url, resource, parameters);
  respond(request, response, await invokeLocally('Public', publicPages, event));
}

/**
 * How a failed admin command is answered over HTTP: wrong fields 400 (each named, with why), a command
 * the data refuses 409, anything else 500, since it is the system's fault, not the admin's.
 */
export function adminFailure(error: Error): { status: number; body: object } {
  if (error.name === 'AdminInputInvalid')
    return {
      status: 400,
      body: { error: error.name, message: error.message, issues: inputIssues(error.message) },
    };
  if (error.name === 'AdminCommandRejected')
    return { status: 409, body: { error: error.name, message: error.message } };
  return { status: 500, body: { error: error.name, message: error.message } };
}

/** How far `?days=&hours=` moves the local clock (a day if neither is given): forward only, up to 400 days. */
function advanceBy(url: URL): number | string {
  const { searchParams } = url;
  if (!searchParams.has('days') && !searchParams.has('hours')) return 86_400_000;
  const days = Number(searchParams.get('days') ?? '0');
  const hours = Number(searchParams.get('hours') ?? '0');
  const ms = (days * 24 + hours) * 3_600_000;
  if (!Number.isFinite(ms) || days < 0 || hours < 0 || ms <= 0 || ms > 400 * 86_400_000)
    return 'days and hours must be positive and add up to at most 400 days';
  return ms;
}

/** The admin's commands (JSON, as for `aws lambda invoke`), the invariants check and the local-only clock. */
async function serveAdmin(
  admin: LocalFunction,
  clock: ControllableClock,
  checkInvariants: () => Promise<unknown>,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const reply = (status: number, body: unknown) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(`${JSON.stringify(body, null, 2)}\n`);
  };
  if (url.pathname === '/admin/clock' && request.method === 'GET')
    return reply(200, { now: clock.now().toISOString() });
  if (request.method !== 'POST') return reply(405, { error: 'Use POST' });
  if (url.pathname === '/admin/clock/advance') {
    const by = advanceBy(url);
    if (typeof by === 'string') return reply(400, { error: by });
    return reply(200, { now: clock.advance(by).toISOString() });
  }
  if (url.pathname === '/admin/invariants') return reply(200, { breaches: await checkInvariants() });
  if (url.pathname !== '/admin/commands') return reply(404, { error: 'Unknown admin path' });
  let command: unknown;
  try {
    command = JSON.parse(await readBody(request));
  } catch {
    return reply(400, {
      error: 'AdminInputInvalid',
      message: '(command): not JSON',
      issues: [{ path: '(command)', message: 'not JSON' }],
    });
  }
  try {
    reply(200, await admin(command));
  } catch (error) {
    const { status, body } = adminFailure(error as Error);
    reply(status, body);
  }
}

async function serveHome(urls: LocalSystem['urls'], response: ServerResponse) {
  response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`PD accreditation, running locally.\nMailbox: ${urls.mailbox}\nAdmin: npx pd-admin --help\n`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
