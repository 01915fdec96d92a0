import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MILESTONE_BUS_NAME,
  MILESTONE_SOURCE,
  MILESTONE_TYPES,
  milestonePattern,
} from '../../events/milestones.js';
import { CERTIFICATES_PREFIX, certificateKey } from '../../functions/accreditation/certificate-store.js';
import {
  entryPoints,
  substitutionKey,
  type WorkflowTaskName,
  workflowTasks,
} from '../../functions/catalog.js';
import { FORM_ANSWER_STATUSES, METRIC, METRICS_NAMESPACE } from '../../functions/shared/metric-names.js';
import { buildApp } from '../../infra/app.js';
import { RECONCILE_AT } from '../../infra/constructs/reconciler.js';
import { RETENTION_AT } from '../../infra/constructs/retention.js';
import { WEEKLY_DIGEST_AT } from '../../infra/constructs/weekly-digest.js';
import { milestoneStream } from '../../infra/milestone-stream.js';
import { accreditationTable, idempotencyTable, timeToLiveAttribute } from '../../infra/table-design.js';
import { readWorkflow, type WorkflowName, workflowFiles } from '../../workflows/definitions.js';
import { flatten } from '../support/template.js';

const workflowNames = Object.keys(workflowFiles) as WorkflowName[];

/**
 * The deployed shape of the stack, from one synthesis of the real app (infra/app.ts's buildApp). cdk-nag
 * findings are nag.test.ts's concern: here they are reported, not thrown, so they cannot hide these checks.
 */
const emailFrom = 'accreditation@stack-test.example';
const adminEmail = 'programme-team@stack-test.example';
const milestoneSubscriber = {
  mathsHub: 'North Star Maths Hub',
  eventBusArn: 'arn:aws:events:eu-west-2:111122223333:event-bus/north-star-hub',
};

interface LambdaProperties {
  Runtime: string;
  Timeout?: number;
  Architectures?: string[];
  TracingConfig?: { Mode: string };
  Role: { 'Fn::GetAtt': [string, string] };
  Environment?: { Variables: Record<string, unknown> };
}
interface StateMachineProperties {
  DefinitionString?: unknown;
  DefinitionS3Location?: { Key: string };
  DefinitionSubstitutions?: Record<string, unknown>;
}
interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  Branches?: Asl[];
  ItemProcessor?: Asl;
  Iterator?: Asl;
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
}
interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
interface AssetManifest {
  files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
}

let outdir: string;
let assetManifestFile: string;
let template: Template;
/** Logical ids by function name (the POWERTOOLS_SERVICE_NAME each catalog function is given). */
let functionIds: Record<string, string>;
let lambdas: Record<string, LambdaProperties>;
let tableId: string;
let idempotencyTableId: string;
/** Logical ids of the state machines, by workflow name (each is named after its workflow). */
let stateMachineIds: Record<WorkflowName, string>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pd-accreditation-stack-'));
  const { app, stack } = buildApp(
    new App({
      outdir,
      context: {
        emailFrom,
        adminEmail,
        milestoneSubscribers: [milestoneSubscriber],
        [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false,
        // No esbuild bundling of each function's code: nothing here reads it, and on a busy machine it took minutes.
        [BUNDLING_STACKS]: [],
      },
    }),
  );
  const assembly = app.synth();
  assetManifestFile = join(assembly.directory, `${stack.artifactId}.assets.json`);
  template = Template.fromStack(stack);

  lambdas = propertiesOf<LambdaProperties>('AWS::Lambda::Function');
  functionIds = Object.fromEntries(
    Object.entries(lambdas).map(([id, p]) => [String(p.Environment?.Variables.POWERTOOLS_SERVICE_NAME), id]),
  );
  tableId = onlyId('AWS::DynamoDB::Table', { KeySchema: accreditationTable.KeySchema });
  idempotencyTableId = onlyId('AWS::DynamoDB::Table', { KeySchema: idempotencyTable.KeySchema });
  stateMachineIds = Object.fromEntries(
    workflowNames.map((name) => [
      name,
      onlyId('AWS::StepFunctions::StateMachine', { StateMachineName: name }),
    ]),
  ) as Record<WorkflowName, string>;
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function propertiesOf<T>(type: string): Record<string, T> {
  return Object.fromEntries(
    Object.entries(template.findResources(type)).map(([id, resource]) => [id, resource.Properties as T]),
  );
}

/** The logical id of the one resource of `type` whose properties are like `properties`. */
function onlyId(type: string, properties: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(ids, `one ${type} like ${JSON.stringify(properties)}`).toHaveLength(1);
  return ids[0] as string;
}

/** The definition Step Functions will run: inline or the file asset, with DefinitionSubstitutions applied. */
const stateMachineOf = (name: WorkflowName) =>
  propertiesOf<StateMachineProperties>('AWS::StepFunctions::StateMachine')[stateMachineIds[name]] ?? {};

function deployedDefinition(name: WorkflowName): string {
  const stateMachine = stateMachineOf(name);
  let text: string;
  if (stateMachine.DefinitionString !== undefined) {
    text = flatten(stateMachine.DefinitionString);
  } else {
    const key = stateMachine.DefinitionS3Location?.Key;
    const manifest = JSON.parse(readFileSync(assetManifestFile, 'utf8')) as AssetManifest;
    const asset = Object.values(manifest.files).find((file) =>
      Object.values(file.destinations).some((destination) => destination.objectKey === key),
    );
    expect(asset, `the definition asset ${key}`).toBeDefined();
    text = readFileSync(join(outdir, asset?.source.path ?? ''), 'utf8');
  }
  const substitutions = stateMachine.DefinitionSubstitutions ?? {};
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (placeholder, key: string) =>
    key in substitutions ? flatten(substitutions[key]) : placeholder,
  );
}

/** A state machine's ARN as the stack builds it from its name (flattened). */
const arnOf = (name: WorkflowName) =>
  `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${name}`;

/** Every state by name, including those inside Parallel branches and Map processors. */
function statesOf(definition: Asl): [string, AslState][] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const nested = [...(state.Branches ?? []), state.ItemProcessor, state.Iterator].filter(
      (d) => d !== undefined,
    );
    return [[name, state] as [string, AslState], ...nested.flatMap(statesOf)];
  });
}

const sorted = <T>(items: Iterable<T>) => [...items].sort();
const catalogNames = Object.keys({ ...workflowTasks, ...entryPoints });
const taskNames = Object.keys(workflowTasks) as WorkflowTaskName[];

describe('DynamoDB tables', () => {
  it('the Accreditation table has the key design of infra/table-design.ts and a TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: accreditationTable.KeySchema,
      GlobalSecondaryIndexes: accreditationTable.GlobalSecondaryIndexes,
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute.accreditation, Enabled: true },
    });
    const definitions =
      template.findResources('AWS::DynamoDB::Table')[tableId]?.Properties.AttributeDefinitions;
    const byName = (a: { AttributeName: string }, b: { AttributeName: string }) =>
      a.AttributeName.localeCompare(b.AttributeName);
    expect([...definitions].sort(byName)).toEqual([...accreditationTable.AttributeDefinitions].sort(byName));
  });

  it('the idempotency table is keyed on id, with a TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute.idempotency, Enabled: true },
    });
  });

  it.each([
    ['Accreditation', () => tableId],
    ['Idempotency', () => idempotencyTableId],
  ])('the %s table is on demand, recoverable, protected from deletion, encrypted and retained', (_, id) => {
    expect(template.findResources('AWS::DynamoDB::Table')[id()]).toMatchObject({
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

/** The topic the admin's email address is subscribed to. */
function adminTopicId(): string {
  const subscription = onlyId('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: adminEmail });
  const topic = template.findResources('AWS::SNS::Subscription')[subscription]?.Properties.TopicArn.Ref;
  expect(template.findResources('AWS::SNS::Topic')).toHaveProperty([topic]);
  return topic;
}

describe.each(Object.keys(workflowFiles) as WorkflowName[])('the %s state machine', (name) => {
  it('is STANDARD, named after its workflow, logs ALL without execution data (task tokens, names, addresses) to a log group, and is traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: name,
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        ],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('runs its ASL file with every substitution placeholder filled', () => {
    const deployed = deployedDefinition(name);
    expect(deployed.match(/\$\{[^}]*\}/g) ?? []).toEqual([]);
    const source = JSON.parse(readWorkflow(name)) as Asl;
    const definition = JSON.parse(deployed) as Asl;
    expect(definition.StartAt).toBe(source.StartAt);
    expect(sorted(statesOf(definition).map(([state]) => state))).toEqual(
      sorted(statesOf(source).map(([state]) => state)),
    );
  });

  it('every Task invokes a Lambda function of this stack, except the hand-overs to other executions', () => {
    const tasks = statesOf(JSON.parse(deployedDefinition(name)) as Asl).filter(([, s]) => s.Type === 'Task');
    const handOver = tasks.filter(([, s]) => s.Resource === 'arn:aws:states:::states:startExecution');
    const handOvers: Record<WorkflowName, string[]> = {
      ParticipantLifecycle: ['ContinueInNewExecution', 'StartAccreditedYears'],
      AccreditedYears: ['ContinueInNewExecution'],
      // Invitations end when the cohort starts, which invite-from-waitlist keeps within the year.
      WaitingListInvitations: [],
    };
    expect(sorted(handOver.map(([state]) => state))).toEqual(handOvers[name]);
    expect(tasks.length).toBeGreaterThan(handOver.length);
    const notOurs = tasks
      .filter((task) => !handOver.includes(task))
      .flatMap(([state, definition]) => {
        const optimised = definition.Resource?.startsWith('arn:aws:states:::lambda:invoke');
        const target = optimised ? definition.Parameters?.FunctionName : definition.Resource;
        const functionId = /^<(.+)\.Arn>$/.exec(target ?? '')?.[1];
        return functionId && functionId in lambdas ? [] : [`${state} invokes ${target}`];
      });
    expect(notOurs).toEqual([]);
  });

  it('substitutes each <Name>FunctionArn placeholder with the ARN of the function of that name', () => {
    expect(stateMachineOf(name).DefinitionSubstitutions).toMatchObject(
      Object.fromEntries(
        taskNames.map((task) => [substitutionKey(task), { 'Fn::GetAtt': [functionIds[task], 'Arn'] }]),
      ),
    );
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])(
    'its %s metric raises an alarm to the alerts topic',
    (metric) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineIds[name] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: Match.arrayWith([{ Ref: adminTopicId() }]),
      });
    },
  );
});

describe('the hand-over at accreditation', () => {
  it('the lifecycle starts the AccreditedYears state machine named in its substitutions', () => {
    const start = (JSON.parse(deployedDefinition('ParticipantLifecycle')) as Asl).States
      .StartAccreditedYears as (AslState & { Parameters: { StateMachineArn?: string } }) | undefined;
    expect(start?.Parameters.StateMachineArn).toBe(arnOf('AccreditedYears'));
  });
});

describe('Lambda functions', () => {
  it('there is one function for each entry of functions/catalog.ts', () => {
    expect(sorted(Object.keys(functionIds))).toEqual(sorted(catalogNames));
  });

  it('every function runs Node.js 24 on arm64 with X-Ray tracing active', () => {
    const runtime = (p: LambdaProperties) => ({
      Runtime: p.Runtime,
      Architectures: p.Architectures,
      Tracing: p.TracingConfig?.Mode,
    });
    const expected = { Runtime: 'nodejs24.x', Architectures: ['arm64'], Tracing: 'Active' };
    const all = Object.entries(lambdas);
    expect(Object.fromEntries(all.map(([id, p]) => [id, runtime(p)]))).toEqual(
      Object.fromEntries(all.map(([id]) => [id, expected])),
    );
  });

  it.each(taskNames)(
    'the %s task finds both tables and the SES configuration set from its environment',
    (name) => {
      const configurationSetId = onlyId('AWS::SES::ConfigurationSet', {});
      expect(lambdas[functionIds[name] ?? '']?.Environment?.Variables).toMatchObject({
        TABLE_NAME: { Ref: tableId },
        IDEMPOTENCY_TABLE_NAME: { Ref: idempotencyTableId },
        SES_CONFIGURATION_SET: { Ref: configurationSetId },
        EMAIL_FROM: emailFrom,
      });
    },
  );
});

describe('the forms API', () => {
  it('GET, HEAD and POST /r/{secret} are proxied to the Forms function', () => {
    const root = { 'Fn::GetAtt': [Match.anyValue(), 'RootResourceId'] };
    const r = onlyId('AWS::ApiGateway::Resource', { PathPart: 'r', ParentId: root });
    const secret = onlyId('AWS::ApiGateway::Resource', { PathPart: '{secret}', ParentId: { Ref: r } });
    for (const method of ['GET', 'HEAD', 'POST'])
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        ResourceId: { Ref: secret },
        Integration: {
          Type: 'AWS_PROXY',
          Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [functionIds.Forms, 'Arn'] }])] },
        },
      });
  });

  it('GET and HEAD (only) of /certificates/{code}, …/verify, /directory and /directory.json go to the Public function', () => {
    const root = { 'Fn::GetAtt': [Match.anyValue(), 'RootResourceId'] };
    const certificates = onlyId('AWS::ApiGateway::Resource', { PathPart: 'certificates', ParentId: root });
    const code = onlyId('AWS::ApiGateway::Resource', { PathPart: '{code}', ParentId: { Ref: certificates } });
    const resources = [
      code,
      onlyId('AWS::ApiGateway::Resource', { PathPart: 'verify', ParentId: { Ref: code } }),
      onlyId('AWS::ApiGateway::Resource', { PathPart: 'directory', ParentId: root }),
      onlyId('AWS::ApiGateway::Resource', { PathPart: 'directory.json', ParentId: root }),
    ];
    for (const resource of resources) {
      const methods = template.findResources('AWS::ApiGateway::Method', {
        Properties: Match.objectLike({ ResourceId: { Ref: resource } }),
      });
      expect(Object.values(methods).map((m) => m.Properties.HttpMethod)).toEqual(['GET', 'HEAD']);
      for (const method of ['GET', 'HEAD'])
        template.hasResourceProperties('AWS::ApiGateway::Method', {
          HttpMethod: method,
          ResourceId: { Ref: resource },
          Integration: {
            Type: 'AWS_PROXY',
            Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [functionIds.Public, 'Arn'] }])] },
          },
        });
    }
  });

  it('treats every media type as binary, so the base64 certificate PDF reaches browsers as bytes', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
  });

  it('the stage is throttled (20 requests/s, burst 40) and writes JSON access logs to a log group', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stage).toHaveLength(1);
    expect(stage[0]?.Properties).toMatchObject({
      MethodSettings: expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        }),
      ]),
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        Format: expect.stringContaining('$context.requestId'),
      },
    });
    const logGroup = stage[0]?.Properties.AccessLogSetting.DestinationArn['Fn::GetAtt'][0];
    expect(template.findResources('AWS::Logs::LogGroup')).toHaveProperty([logGroup]);
  });
});

describe('SES', () => {
  it('sends as the configured address through a configuration set that suppresses bounces and complaints', () => {
    const configurationSet = onlyId('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
    });
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: emailFrom,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSet } },
    });
  });
});

describe('alarms', () => {
  it('the alerts topic emails the admin', () => {
    adminTopicId();
  });

  it("the alerts topic's policy lets this account's CloudWatch alarms publish, as well as EventBridge", () => {
    const topic = adminTopicId();
    const policies = Object.values(
      template.findResources('AWS::SNS::TopicPolicy', {
        Properties: Match.objectLike({ Topics: [{ Ref: topic }] }),
      }),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as (PolicyStatement & {
      Principal?: { Service?: string };
      Condition?: Record<string, Record<string, unknown>>;
    })[];
    const publishers = statements.filter(
      (s) => s.Effect === 'Allow' && [s.Action].flat().includes('sns:Publish'),
    );
    expect(sorted(publishers.map((s) => s.Principal?.Service))).toEqual([
      'cloudwatch.amazonaws.com',
      'events.amazonaws.com',
    ]);
    const cloudwatch = publishers.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(flatten(cloudwatch?.Resource)).toBe(`<${topic}>`);
    expect(cloudwatch?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(flatten(cloudwatch?.Condition?.ArnLike?.['aws:SourceArn'])).toBe(
      'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*',
    );
  });

  it('every function has an Errors alarm to the alerts topic', () => {
    const topic = adminTopicId();
    const alarmed = (functionId: string) =>
      Object.keys(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: Match.objectLike({
            Namespace: 'AWS/Lambda',
            MetricName: 'Errors',
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            AlarmActions: Match.arrayWith([{ Ref: topic }]),
          }),
        }),
      ).length;
    const ids = Object.keys(lambdas);
    expect(Object.fromEntries(ids.map((id) => [id, alarmed(id)]))).toEqual(
      Object.fromEntries(ids.map((id) => [id, 1])),
    );
  });
});

/** Each action allowed to the named function on each resource, as "<action> <resource>". */
function grantsOf(functionName: string): string[] {
  return statementsOf(functionName)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      [s.Action].flat().flatMap((action) => [s.Resource].flat().map((r) => `${action} ${flatten(r)}`)),
    );
}

/** Any execution of the named state machine, as a policy names them. */
const executions = (name: WorkflowName) =>
  `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*`;

/** Every statement of the policies attached to the named function's role. */
function statementsOf(functionName: string): PolicyStatement[] {
  const role = lambdas[functionIds[functionName] ?? '']?.Role['Fn::GetAtt'][0];
  return Object.values(
    template.findResources('AWS::IAM::Policy', {
      Properties: Match.objectLike({ Roles: Match.arrayWith([{ Ref: role }]) }),
    }),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]);
}

/** A message on the queue raises an alarm to the alerts topic. */
const expectAlarmOnMessages = (queueId: string) =>
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    Threshold: 1,
    AlarmActions: [{ Ref: adminTopicId() }],
  });

describe('IAM', () => {
  it('the Forms function may call states:SendTaskSuccess on both state machines', () => {
    const sendTaskSuccess = statementsOf('Forms').filter(
      (s) => s.Effect === 'Allow' && [s.Action].flat().includes('states:SendTaskSuccess'),
    );
    expect(sorted(sendTaskSuccess.flatMap((s) => [s.Resource].flat().map(flatten)))).toEqual(
      sorted(workflowNames.map(arnOf)),
    );
  });

  it.each([
    ['ParticipantLifecycle', ['AccreditedYears', 'ParticipantLifecycle']],
    ['AccreditedYears', ['AccreditedYears']],
  ] as const)('the %s state machine may start only %j', (name, targets) => {
    const role = template.findResources('AWS::StepFunctions::StateMachine')[stateMachineIds[name]]?.Properties
      .RoleArn['Fn::GetAtt'][0];
    const statements = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: Match.objectLike({ Roles: Match.arrayWith([{ Ref: role }]) }),
      }),
    ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]);
    const starts = statements.filter((s) => [s.Action].flat().includes('states:StartExecution'));
    expect(sorted(starts.flatMap((s) => [s.Resource].flat().map(flatten)))).toEqual(
      sorted(targets.map(arnOf)),
    );
  });

  it('the Public function only reads certificates, and writes only what registering interest in a waiting list needs (the table, an email)', () => {
    const actions = statementsOf('Public')
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action].flat());
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).toContain('ses:SendEmail');
    expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
  });
});

describe('the daily reconciler', () => {
  const reconcileId = () => functionIds.Reconcile ?? 'no Reconcile function';
  const deadLettersId = () =>
    template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties.Target.DeadLetterConfig.Arn[
      'Fn::GetAtt'
    ][0] as string;
  const scheduleId = () =>
    onlyId('AWS::Scheduler::Schedule', { Target: { Arn: { 'Fn::GetAtt': [reconcileId(), 'Arn'] } } });

  it('EventBridge Scheduler runs the Reconcile function every day at 06:00 London time, with retries and a dead-letter queue', () => {
    expect(RECONCILE_AT).toEqual({ hour: '6', minute: '0' });
    expect(template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      Target: {
        Input: '{}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLettersId(), 'Arn'] } },
      },
    });
    expect(template.findResources('AWS::SQS::Queue')).toHaveProperty([deadLettersId()]);
    expect(lambdas[reconcileId()]).toMatchObject({ Timeout: 300 });
  });

  it('the Admin function has five minutes: its listings and cohort-wide changes read a whole cohort', () => {
    expect(lambdas[functionIds.Admin ?? 'no Admin function']).toMatchObject({ Timeout: 300 });
  });

  it("the schedule's role may only invoke the Reconcile function and send to its dead-letter queue", () => {
    const role =
      template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties.Target.RoleArn[
        'Fn::GetAtt'
      ][0];
    const statements = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: Match.objectLike({ Roles: [{ Ref: role }] }),
      }),
    ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]);
    expect(
      statements.map((s) => ({ action: s.Action, resources: [s.Resource].flat().map(flatten) })),
    ).toEqual([
      {
        action: 'lambda:InvokeFunction',
        resources: [`<${reconcileId()}.Arn>`, `<${reconcileId()}.Arn>:*`],
      },
      { action: 'sqs:SendMessage', resources: [`<${deadLettersId()}.Arn>`] },
    ]);
  });

  it('a message on the dead-letter queue (a run that could not be delivered) raises an alarm to the alerts topic', () => {
    expectAlarmOnMessages(deadLettersId());
  });

  it('only the Reconcile function is told the alerts topic, and it is told both state machines', () => {
    const told = Object.entries(functionIds).filter(
      ([, id]) => lambdas[id]?.Environment?.Variables.ALERT_TOPIC_ARN !== undefined,
    );
    expect(told.map(([name]) => name)).toEqual(['Reconcile']);
    expect(lambdas[reconcileId()]?.Environment?.Variables).toMatchObject({
      ALERT_TOPIC_ARN: { Ref: adminTopicId() },
      STATE_MACHINE_ARN: { Ref: stateMachineIds.ParticipantLifecycle },
      ACCREDITED_YEARS_STATE_MACHINE_ARN: { Ref: stateMachineIds.AccreditedYears },
    });
  });

  it("the Reconcile function may query the table's GSI1 and get from the table, describe executions of our state machines, publish to the alerts topic, and nothing more", () => {
    const granted = grantsOf('Reconcile');
    const table = `<${tableId}.Arn>`;
    expect(sorted(granted)).toEqual(
      sorted([
        `dynamodb:Query ${table}/index/GSI1`,
        `dynamodb:GetItem ${table}`,
        // A cohort's participants, at once.
        `dynamodb:BatchGetItem ${table}`,
        // Its idempotency records: a retried run publishes nothing twice.
        ...['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].map(
          (a) => `dynamodb:${a} <${idempotencyTableId}.Arn>`,
        ),
        // Declared per service, not per state machine: it may look at any of ours (it looks at two).
        ...workflowNames.map((name) => `states:DescribeExecution ${executions(name)}`),
        `sns:Publish <${adminTopicId()}>`,
        'xray:PutTelemetryRecords *',
        'xray:PutTraceSegments *',
      ]),
    );
  });

  it("the alerts topic's policy refuses only plain HTTP, so the reconciler's own grant lets it publish", () => {
    const [policy] = Object.values(
      template.findResources('AWS::SNS::TopicPolicy', {
        Properties: Match.objectLike({ Topics: [{ Ref: adminTopicId() }] }),
      }),
    );
    const statements: { Effect: string }[] = policy?.Properties.PolicyDocument.Statement ?? [];
    const denials = statements.filter((s) => s.Effect === 'Deny');
    expect(denials).toEqual([
      expect.objectContaining({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });
});

describe('the daily retention job', () => {
  const retentionId = () => functionIds.Retention ?? 'no Retention function';
  const scheduleId = () =>
    onlyId('AWS::Scheduler::Schedule', { Target: { Arn: { 'Fn::GetAtt': [retentionId(), 'Arn'] } } });
  const deadLettersId = () =>
    template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties.Target.DeadLetterConfig.Arn[
      'Fn::GetAtt'
    ][0] as string;

  it('EventBridge Scheduler runs the Retention function every day at 03:00 London time, with retries and a dead-letter queue that raises an alarm', () => {
    expect(RETENTION_AT).toEqual({ hour: '3', minute: '0' });
    expect(template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: { Input: '{}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLettersId(), 'QueueName'] } }],
      AlarmActions: [{ Ref: adminTopicId() }],
    });
    expect(lambdas[retentionId()]?.Environment?.Variables).toMatchObject({ RETENTION_YEARS: '6' });
  });

  it('may read everyone, write and delete their items, delete form replay pages, describe and stop executions, delete their files, and nothing more', () => {
    const granted = grantsOf('Retention');
    const table = `<${tableId}.Arn>`;
    // The bucket it is told: the uploads bucket.
    const told = lambdas[retentionId()]?.Environment?.Variables.UPLOADS_BUCKET as { Ref: string };
    const bucket = `<${told.Ref}.Arn>`;
    expect(sorted(granted)).toEqual(
      sorted([
        `dynamodb:Query ${table}/index/GSI1`,
        ...['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].map(
          (a) => `dynamodb:${a} ${table}`,
        ),
        `dynamodb:DeleteItem <${idempotencyTableId}.Arn>`,
        ...workflowNames.flatMap((name) =>
          ['DescribeExecution', 'StopExecution'].map((a) => `states:${a} ${executions(name)}`),
        ),
        `s3:DeleteObject ${bucket}/uploads/*`,
        `s3:ListBucket ${bucket}`,
        `s3:DeleteObject ${bucket}/certificates/*`,
        'xray:PutTelemetryRecords *',
        'xray:PutTraceSegments *',
      ]),
    );
  });
});

describe('the weekly digest', () => {
  const digestId = () => functionIds.WeeklyDigest ?? 'no WeeklyDigest function';
  const scheduleId = () =>
    onlyId('AWS::Scheduler::Schedule', { Target: { Arn: { 'Fn::GetAtt': [digestId(), 'Arn'] } } });
  const deadLettersId = () =>
    template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties.Target.DeadLetterConfig.Arn[
      'Fn::GetAtt'
    ][0] as string;

  it('EventBridge Scheduler runs the WeeklyDigest function every Monday at 07:00 London time, with retries and a dead-letter queue that alarms', () => {
    expect(WEEKLY_DIGEST_AT).toEqual({ weekDay: 'MON', hour: '7', minute: '0' });
    expect(template.findResources('AWS::Scheduler::Schedule')[scheduleId()]?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 7 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: {
        Input: '{}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLettersId(), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLettersId(), 'QueueName'] } }],
      AlarmActions: [{ Ref: adminTopicId() }],
    });
  });

  it('the WeeklyDigest function only reads the table (Query on GSI1, BatchGetItem), and may send email', () => {
    const granted = grantsOf('WeeklyDigest');
    const table = `<${tableId}.Arn>`;
    expect(sorted(granted.filter((g) => g.includes(table)))).toEqual(
      sorted([`dynamodb:Query ${table}/index/GSI1`, `dynamodb:BatchGetItem ${table}`]),
    );
    expect(granted).toContain(`dynamodb:PutItem <${idempotencyTableId}.Arn>`);
    expect(granted.some((g) => g.startsWith('ses:SendRawEmail'))).toBe(true);
  });
});

describe('the uploads bucket', () => {
  const uploadsId = () =>
    onlyId('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
  /** Where the uploads bucket's server access logs go. */
  const logsId = () => {
    const logging = template.findResources('AWS::S3::Bucket')[uploadsId()]?.Properties.LoggingConfiguration as
      | { DestinationBucketName: { Ref: string } }
      | undefined;
    return logging?.DestinationBucketName.Ref ?? 'no LoggingConfiguration';
  };

  it('there are two buckets: the uploads and, separate from them, their access logs', () => {
    expect(sorted(Object.keys(template.findResources('AWS::S3::Bucket')))).toEqual(
      sorted([uploadsId(), logsId()]),
    );
    expect(logsId()).not.toBe(uploadsId());
    expect(
      template.findResources('AWS::S3::Bucket')[uploadsId()]?.Properties.LoggingConfiguration,
    ).toMatchObject({
      LogFilePrefix: 'uploads-bucket/',
    });
  });

  it('both are encrypted with S3-managed keys, block all public access, disable ACLs and are kept if the stack goes', () => {
    for (const id of [uploadsId(), logsId()]) {
      const bucket = template.findResources('AWS::S3::Bucket')[id];
      expect(bucket?.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
      expect(bucket?.Properties.AccessControl).toBeUndefined();
      expect(bucket?.DeletionPolicy).toBe('Retain');
    }
  });

  it('both refuse every request not made over TLS', () => {
    for (const id of [uploadsId(), logsId()]) {
      const policies = Object.values(
        template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: id } } }),
      );
      expect(policies).toHaveLength(1);
      const statements = policies[0]?.Properties.PolicyDocument.Statement as (PolicyStatement & {
        Condition?: unknown;
        Principal?: unknown;
      })[];
      const denyPlainHttp = statements.find((s) => s.Effect === 'Deny');
      expect(denyPlainHttp).toMatchObject({
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect([denyPlainHttp?.Resource].flat().map(flatten)).toEqual([`<${id}.Arn>`, `<${id}.Arn>/*`]);
    }
  });

  it('only S3 log delivery, from the uploads bucket, may write to the logs bucket', () => {
    const [policy] = Object.values(
      template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: logsId() } } }),
    );
    const statements: Record<string, unknown>[] = policy?.Properties.PolicyDocument.Statement ?? [];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:PutObject',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: expect.objectContaining({
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [uploadsId(), 'Arn'] } },
        }),
      }),
    ]);
  });

  /** A function's S3 statements, actions sorted: their order depends on @aws-cdk/aws-iam:minimizePolicies (cdk.json sets it, tests do not). */
  const s3 = (name: string) =>
    statementsOf(name)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
      .map((s) => ({ ...s, Action: Array.isArray(s.Action) ? [...s.Action].sort() : s.Action }));
  /** `actions` on the objects under `prefix`, and listing limited to that prefix (so a missing key is a 404). */
  const under = (prefix: string, actions: string | string[]) => [
    {
      Effect: 'Allow',
      Action: actions,
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [uploadsId(), 'Arn'] }, `/${prefix}*`]] },
    },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': [uploadsId(), 'Arn'] },
      Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    },
  ];

  it('only Forms, AdvanceProgramme, Public, and the Admin and Retention (which erase) are told the bucket', () => {
    const told = Object.entries(functionIds).filter(
      ([, id]) => lambdas[id]?.Environment?.Variables.UPLOADS_BUCKET !== undefined,
    );
    expect(sorted(told.map(([name]) => name))).toEqual([
      'Admin',
      'AdvanceProgramme',
      'Forms',
      'Public',
      'Retention',
    ]);
    for (const [, id] of told)
      expect(lambdas[id]?.Environment?.Variables.UPLOADS_BUCKET).toEqual({ Ref: uploadsId() });
  });

  it('Forms may put, get and list under uploads/; AdvanceProgramme under certificates/; Public only read certificates/; only the Admin and Retention delete (erasure); nobody else anything', () => {
    expect(CERTIFICATES_PREFIX).toBe('certificates/');
    expect(certificateKey('1A2B-3C4D-5E6F').startsWith(CERTIFICATES_PREFIX)).toBe(true);
    expect(s3('Forms')).toEqual(under('uploads/', ['s3:GetObject', 's3:PutObject']));
    expect(s3('AdvanceProgramme')).toEqual(under(CERTIFICATES_PREFIX, ['s3:GetObject', 's3:PutObject']));
    expect(s3('Public')).toEqual(under(CERTIFICATES_PREFIX, 's3:GetObject'));
    for (const name of ['Admin', 'Retention'])
      expect(s3(name), name).toEqual([
        ...under('uploads/', 's3:DeleteObject'),
        // A certificate is deleted by its key: nothing under the prefix is listed.
        under(CERTIFICATES_PREFIX, 's3:DeleteObject')[0],
      ]);
    const granted = ['Forms', 'AdvanceProgramme', 'Public', 'Admin', 'Retention'];
    for (const name of catalogNames.filter((n) => !granted.includes(n))) expect(s3(name), name).toEqual([]);
    // Nobody else may delete from the bucket, or touch it beyond these prefixes.
    const actions = catalogNames
      .filter((name) => !['Admin', 'Retention'].includes(name))
      .flatMap((name) => s3(name).flatMap((s) => [s.Action].flat()));
    expect(actions.filter((a) => !['s3:GetObject', 's3:PutObject', 's3:ListBucket'].includes(a))).toEqual([]);
  });
});

/** An event pattern as EventBridge reads it: CDK writes `detailType` as `detail-type`. */
const asEventBridgeReadsIt = ({ detailType, ...rest }: ReturnType<typeof milestonePattern>) => ({
  ...rest,
  'detail-type': detailType,
});

describe('milestones', () => {
  const publisherId = () => functionIds.PublishMilestones ?? 'no PublishMilestones function';
  const busId = () => onlyId('AWS::Events::EventBus', { Name: MILESTONE_BUS_NAME });
  interface EventSourceMapping {
    FunctionName: unknown;
    DestinationConfig?: { OnFailure: { Destination: { 'Fn::GetAtt': string[] } } };
    FilterCriteria?: { Filters: { Pattern: string }[] };
  }
  const mapping = () =>
    Object.values(propertiesOf<EventSourceMapping>('AWS::Lambda::EventSourceMapping')).filter(
      (p) => flatten(p.FunctionName) === `<${publisherId()}>`,
    );
  const deadLettersId = () => String(mapping()[0]?.DestinationConfig?.OnFailure.Destination['Fn::GetAtt'][0]);

  it('go on a bus named as events/milestones.ts says, and only PublishMilestones is told it', () => {
    const told = Object.entries(functionIds).filter(
      ([, id]) => lambdas[id]?.Environment?.Variables.MILESTONE_BUS_NAME !== undefined,
    );
    expect(told.map(([name]) => name)).toEqual(['PublishMilestones']);
    expect(lambdas[publisherId()]?.Environment?.Variables.MILESTONE_BUS_NAME).toEqual({ Ref: busId() });
  });

  it("come from the table's stream (new and old images): participant items only, in batches, failures reported, halved and retried, then a dead-letter queue", () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: accreditationTable.KeySchema,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(mapping()).toHaveLength(1);
    expect(mapping()[0]).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: milestoneStream.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: milestoneStream.retryAttempts,
      MaximumRecordAgeInSeconds: 86_400,
    });
    const [filter] = mapping()[0]?.FilterCriteria?.Filters ?? [];
    expect(JSON.parse(filter?.Pattern ?? '{}')).toEqual({
      dynamodb: { Keys: { PK: { S: [{ prefix: milestoneStream.participantKeyPrefix }] } } },
    });
    expectAlarmOnMessages(deadLettersId());
  });

  it("PublishMilestones may read the stream, get items (a cohort's Maths Hub), put events on the bus and send to its dead-letter queue, nothing more", () => {
    const granted = grantsOf('PublishMilestones');
    const stream = `<${tableId}.StreamArn>`;
    expect(sorted(granted)).toEqual(
      sorted([
        `dynamodb:GetItem <${tableId}.Arn>`,
        `events:PutEvents <${busId()}.Arn>`,
        'dynamodb:ListStreams *',
        ...['DescribeStream', 'GetRecords', 'GetShardIterator'].map((a) => `dynamodb:${a} ${stream}`),
        ...['SendMessage', 'GetQueueAttributes', 'GetQueueUrl'].map(
          (a) => `sqs:${a} <${deadLettersId()}.Arn>`,
        ),
        'xray:PutTelemetryRecords *',
        'xray:PutTraceSegments *',
      ]),
    );
  });

  it("are archived, and a Maths Hub's own bus gets its cohorts', with the catalogue's patterns", () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId(), 'Arn'] },
      EventPattern: asEventBridgeReadsIt(milestonePattern()),
      RetentionDays: 365,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId() },
      EventPattern: {
        source: [MILESTONE_SOURCE],
        'detail-type': MILESTONE_TYPES,
        detail: { mathsHub: [milestoneSubscriber.mathsHub] },
      },
      Targets: [Match.objectLike({ Arn: milestoneSubscriber.eventBusArn })],
    });
  });
});

describe('the operations dashboard', () => {
  interface Widget {
    properties: { title?: string; metrics?: unknown[][] };
  }
  const widgets = () => {
    const [dashboard] = Object.values(propertiesOf<{ DashboardBody: unknown }>('AWS::CloudWatch::Dashboard'));
    return (JSON.parse(flatten(dashboard?.DashboardBody)) as { widgets: Widget[] }).widgets;
  };
  /** A widget's metrics, each as its namespace, name and dimensions joined, or its expression. */
  const plotted = (title: string) => {
    const widget = widgets().find((w) => w.properties.title === title);
    expect(widget, title).toBeDefined();
    return (widget?.properties.metrics ?? []).map((m) => {
      const options = m.at(-1) as { expression?: string };
      return options?.expression ?? m.filter((part) => typeof part === 'string').join(' ');
    });
  };

  it.each(workflowNames)('graphs executions of %s started, succeeded, failed and timed out', (name) => {
    const metrics = plotted(`Executions: ${name}`);
    for (const metric of ['Started', 'Succeeded', 'Failed', 'TimedOut'])
      expect(metrics).toContain(`AWS/States Executions${metric} StateMachineArn <${stateMachineIds[name]}>`);
  });

  it('graphs emails sent by the system, and SES sends, bounces and complaints', () => {
    expect(plotted('Emails')).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`{${METRICS_NAMESPACE},service} MetricName="${METRIC.emailSent}"`),
        'AWS/SES Send',
        'AWS/SES Bounce',
        'AWS/SES Complaint',
      ]),
    );
  });

  it('graphs forms answered and refused, by the metric names the Forms function emits', () => {
    const forms = (metric: string) => `${METRICS_NAMESPACE} ${metric} service Forms`;
    expect(plotted('Forms: pages and answers')).toContain(
      forms(METRIC.formAnswered(FORM_ANSWER_STATUSES.recorded)),
    );
    expect(plotted('Forms: answers not recorded')).toEqual(
      expect.arrayContaining([
        forms(METRIC.formAnswered(FORM_ANSWER_STATUSES.refused)),
        forms(METRIC.formAnswered(FORM_ANSWER_STATUSES.closed)),
        forms(METRIC.formFailed),
      ]),
    );
  });

  it("graphs, by cohort, those past a deadline (the daily reconciler's count)", () => {
    expect(plotted('Past a deadline, by cohort (daily)')).toEqual([
      expect.stringContaining(
        `{${METRICS_NAMESPACE},cohortId,service} MetricName="${METRIC.overdueSubmissions}"`,
      ),
    ]);
  });
});
