import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPoints, workflowTasks } from '../../functions/catalog.js';
import { type FunctionName, grantsOf, type Permissions, permissions } from '../../functions/permissions.js';
import { buildApp } from '../../infra/app.js';
import { accreditationTable, idempotencyTable } from '../../infra/table-design.js';
import { readWorkflow, type WorkflowName, workflowFiles } from '../../workflows/definitions.js';
import { type AwsCalls, awsCallsOf } from '../support/aws-calls.js';
import { flatten } from '../support/template.js';

/**
 * Least privilege, proven on the synthesized template: every role's grants, read back as `<resource>
 * <action>`, are exactly what its owner's code calls (a function: every AWS call reachable from its
 * handler, test/support/aws-calls.ts; a state machine: the tasks and state machines its ASL names).
 * functions/permissions.ts, from which CDK grants, must say the same as the code.
 */

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: { StringLike?: Record<string, string[]> };
}
interface TemplateJson {
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON, read by type
  Resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
}

const catalog: Record<FunctionName, string> = { ...workflowTasks, ...entryPoints };
const functionNames = Object.keys(catalog) as FunctionName[];
const workflowNames = Object.keys(workflowFiles) as WorkflowName[];

/** What every function or state machine role gets from the platform, not from its code: traces and logs. */
const platform = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  ...[
    'CreateLogDelivery',
    'GetLogDelivery',
    'UpdateLogDelivery',
    'DeleteLogDelivery',
    'ListLogDeliveries',
    'PutResourcePolicy',
    'DescribeResourcePolicies',
    'DescribeLogGroups',
  ].map((a) => `logs:${a}`),
]);
const managedPolicy = (name: string) => `arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`;

let outdir: string;
let template: TemplateJson;
let calls: Record<string, AwsCalls>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pd-accreditation-least-privilege-'));
  const { stack } = buildApp(
    new App({ outdir, context: { [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false, [BUNDLING_STACKS]: [] } }),
  );
  template = Template.fromStack(stack).toJSON() as TemplateJson;
  calls = awsCallsOf(catalog);
}, 240_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const resourcesOf = (t: TemplateJson, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const roleOf = (arn: unknown) => flatten(arn).replace(/^<(.*)\.Arn>$/, '$1');

/** Our name for each resource a grant may name, by logical id. */
function ourNames(t: TemplateJson): Map<string, string> {
  const names = new Map<string, string>();
  for (const [id, r] of resourcesOf(t, 'AWS::Lambda::Function'))
    names.set(id, r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
  for (const [id, r] of resourcesOf(t, 'AWS::DynamoDB::Table')) {
    const keys = JSON.stringify(r.Properties?.KeySchema);
    if (keys === JSON.stringify(accreditationTable.KeySchema)) names.set(id, 'Accreditation');
    if (keys === JSON.stringify(idempotencyTable.KeySchema)) names.set(id, 'Idempotency');
  }
  for (const [id, r] of resourcesOf(t, 'AWS::S3::Bucket'))
    if (r.Properties?.LoggingConfiguration) names.set(id, 'uploads bucket');
  for (const [id] of resourcesOf(t, 'AWS::SNS::Topic')) names.set(id, 'alerts');
  for (const [id] of resourcesOf(t, 'AWS::Events::EventBus')) names.set(id, 'milestones');
  for (const [id] of resourcesOf(t, 'AWS::SQS::Queue')) names.set(id, 'dead letters');
  for (const [id] of resourcesOf(t, 'AWS::SES::ConfigurationSet')) names.set(id, 'email configuration set');
  for (const [id, r] of resourcesOf(t, 'AWS::StepFunctions::StateMachine'))
    names.set(id, r.Properties?.StateMachineName);
  return names;
}

/** A statement's resource as our name for it, or undefined if it names nothing of ours this way. */
function resourceName(action: string, resource: unknown, statement: Statement, names: Map<string, string>) {
  const text = flatten(resource);
  const stream = /^<([A-Za-z0-9]+)\.StreamArn>$/.exec(text);
  if (stream) return `${names.get(stream[1] ?? '')} stream`;
  const ours = /^<([A-Za-z0-9]+)(?:\.Arn)?>(.*)$/.exec(text);
  if (ours) {
    const [, id = '', rest] = ours;
    const name = names.get(id);
    if (name === 'uploads bucket') {
      const prefixes = statement.Condition?.StringLike?.['s3:prefix'] ?? [];
      if (action === 's3:ListBucket' && rest === '' && prefixes.length === 1)
        return prefixes[0]?.replace(/\*$/, '');
      return /^\/([a-z]+\/)\*$/.exec(rest ?? '')?.[1];
    }
    if (workflowNames.includes(name as WorkflowName))
      return rest === '' && !onExecutions(action) ? name : undefined;
    if (name && functionNames.includes(name as FunctionName))
      return ['', ':*'].includes(rest ?? '') ? name : undefined;
    return name && `${name}${rest}`;
  }
  const arn = /^arn:<AWS::Partition>:(\w+):<AWS::Region>:<AWS::AccountId>:(.*)$/.exec(text);
  const [, service, path = ''] = arn ?? [];
  if (service === 'ses') {
    const configurationSet = /^configuration-set\/<(\w+)>$/.exec(path)?.[1];
    return path === 'identity/*' || names.get(configurationSet ?? '') === 'email configuration set'
      ? 'email'
      : undefined;
  }
  if (service === 'states') {
    const machine = (onExecutions(action) ? /^execution:(\w+):\*$/ : /^stateMachine:(\w+)$/).exec(path)?.[1];
    return workflowNames.includes(machine as WorkflowName) ? machine : undefined;
  }
  return undefined;
}

/** Actions on a state machine's executions (named per participant as they start), not on the machine. */
const onExecutions = (action: string) =>
  ['states:DescribeExecution', 'states:StopExecution'].includes(action);

/** Every role's owner: a catalog function, a state machine, or the service roles the stack needs. */
function roleOwners(t: TemplateJson, names: Map<string, string>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [id, r] of resourcesOf(t, 'AWS::Lambda::Function'))
    owners.set(roleOf(r.Properties?.Role), names.get(id) ?? id);
  for (const [, r] of resourcesOf(t, 'AWS::StepFunctions::StateMachine'))
    owners.set(roleOf(r.Properties?.RoleArn), r.Properties?.StateMachineName);
  for (const [, r] of resourcesOf(t, 'AWS::Scheduler::Schedule'))
    owners.set(
      roleOf(r.Properties?.Target?.RoleArn),
      `${names.get(flatten(r.Properties?.Target?.Arn).replace(/^<|\.Arn>$/g, ''))} schedule`,
    );
  for (const [, r] of resourcesOf(t, 'AWS::ApiGateway::Account'))
    owners.set(roleOf(r.Properties?.CloudWatchRoleArn), 'API Gateway logging');
  return owners;
}

/**
 * What Lambda itself needs to feed PublishMilestones from the table's stream (the event source's grants):
 * read the stream, and send a batch that could not be published to the dead-letter queue.
 */
const streamEventSource = [
  ...['DescribeStream', 'GetRecords', 'GetShardIterator'].map((a) => `Accreditation stream dynamodb:${a}`),
  'streams dynamodb:ListStreams',
  ...['SendMessage', 'GetQueueAttributes', 'GetQueueUrl'].map((a) => `dead letters sqs:${a}`),
];

/** What each owner needs: its code's calls, its ASL's tasks and starts, or its one service. */
function needs(owner: string): Set<string> {
  if (owner === 'PublishMilestones') return new Set([...(calls[owner]?.grants ?? []), ...streamEventSource]);
  if (functionNames.includes(owner as FunctionName)) return calls[owner]?.grants ?? new Set();
  if (workflowNames.includes(owner as WorkflowName)) return aslNeeds(owner as WorkflowName);
  const scheduled = /^(\w+) schedule$/.exec(owner)?.[1];
  if (scheduled) return new Set([`${scheduled} lambda:InvokeFunction`, 'dead letters sqs:SendMessage']);
  return new Set();
}

/** The Lambda functions a state machine's tasks invoke and the state machines it starts, from its ASL. */
function aslNeeds(name: WorkflowName): Set<string> {
  const needed = new Set<string>();
  const states = Object.values(JSON.parse(readWorkflow(name)).States) as {
    Resource?: string;
    Parameters?: Record<string, string>;
  }[];
  for (const { Resource, Parameters = {} } of states) {
    const task = /^\$\{(\w+)FunctionArn\}$/.exec(Parameters.FunctionName ?? '')?.[1];
    if (task) needed.add(`${task} lambda:InvokeFunction`);
    if (Resource === 'arn:aws:states:::states:startExecution') {
      const started =
        Parameters['StateMachineArn.$'] === '$$.StateMachine.Id'
          ? name
          : /^\$\{(\w+)StateMachineArn\}$/.exec(Parameters.StateMachineArn ?? '')?.[1];
      needed.add(`${started} states:StartExecution`);
    }
  }
  return needed;
}

/** What `owner` needs compared with what it is `given` (granted, or declared), in words. */
function differences(
  owner: string,
  needed: Set<string>,
  given: Set<string>,
  as = 'granted',
  never = 'it never calls',
) {
  return [
    ...[...given].filter((g) => !needed.has(g)).map((g) => `${owner} is ${as} ${g}, which ${never}`),
    ...[...needed].filter((g) => !given.has(g)).map((g) => `${owner} needs ${g}, which it is not ${as}`),
  ].sort();
}

/** Every way the template's roles differ from what their owners need, in words; none is least privilege. */
function leastPrivilegeFindings(t: TemplateJson): string[] {
  const names = ourNames(t);
  const owners = roleOwners(t, names);
  const findings: string[] = [];
  for (const [roleId, role] of resourcesOf(t, 'AWS::IAM::Role')) {
    const owner = owners.get(roleId);
    if (!owner) {
      findings.push(`role ${roleId} belongs to nothing the stack should have`);
      continue;
    }
    const expectedManaged = functionNames.includes(owner as FunctionName)
      ? [managedPolicy('AWSLambdaBasicExecutionRole')]
      : owner === 'API Gateway logging'
        ? [managedPolicy('AmazonAPIGatewayPushToCloudWatchLogs')]
        : [];
    for (const arn of (role.Properties?.ManagedPolicyArns ?? []).map(flatten))
      if (!expectedManaged.includes(arn)) findings.push(`${owner} has the managed policy ${arn}`);
    const statements: Statement[] = [
      ...(role.Properties?.Policies ?? []).flatMap(
        (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
      ),
      ...resourcesOf(t, 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties?.Roles ?? []).some((r: { Ref?: string }) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Statement[]),
    ];
    const granted = new Set<string>();
    for (const statement of statements) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action].flat())
        for (const resource of [statement.Resource].flat()) {
          if (flatten(resource) === '*' && platform.has(action)) continue;
          if (flatten(resource) === '*' && action === 'dynamodb:ListStreams') {
            granted.add(`streams ${action}`);
            continue;
          }
          const name = resourceName(action, resource, statement, names);
          if (name) granted.add(`${name} ${action}`);
          else
            findings.push(
              `${owner} is granted ${action} on ${flatten(resource)}, which names nothing of ours that way`,
            );
        }
    }
    findings.push(...differences(owner, needs(owner), granted));
  }
  return findings;
}

/** A copy of the template with `change` made to the policy statements of `owner`'s role. */
function withStatements(owner: string, change: (statements: Statement[]) => Statement[]): TemplateJson {
  const copy: TemplateJson = structuredClone(template);
  const roleId = [...roleOwners(copy, ourNames(copy))].find(([, o]) => o === owner)?.[0];
  const [, policy] =
    resourcesOf(copy, 'AWS::IAM::Policy').find(([, p]) =>
      (p.Properties?.Roles ?? []).some((r: { Ref?: string }) => r.Ref === roleId),
    ) ?? [];
  if (!policy?.Properties) throw new Error(`${owner} has no policy`);
  policy.Properties.PolicyDocument.Statement = change(policy.Properties.PolicyDocument.Statement);
  return copy;
}

const withoutAction = (action: string) => (statements: Statement[]) =>
  statements.flatMap((s) => {
    const actions = [s.Action].flat().filter((a) => a !== action);
    return actions.length === 0 ? [] : [{ ...s, Action: actions }];
  });

/** The declaration compared with what the code calls, function by function. */
function declarationFindings(declared: Record<FunctionName, Permissions>) {
  return functionNames
    .flatMap((name) =>
      differences(
        name,
        calls[name]?.grants ?? new Set(),
        new Set(grantsOf(declared[name])),
        'declared',
        'its code never calls',
      ),
    )
    .sort();
}

describe('least privilege', () => {
  it('functions/permissions.ts declares, for every function, exactly the AWS calls its code makes', () => {
    for (const name of functionNames) expect(calls[name]?.unknown, name).toEqual([]);
    expect(declarationFindings(permissions)).toEqual([]);
  });

  it('every role in the template is granted exactly what its code (or ASL) needs, on our own resources', () => {
    expect(leastPrivilegeFindings(template)).toEqual([]);
  });

  it('nothing may Scan, write in batches (unconditionally) or read streams; only the functions whose code emails may send email', () => {
    const granted = (name: FunctionName) => grantsOf(permissions[name]);
    const all = functionNames.flatMap(granted);
    expect(
      all.filter((g) =>
        /:(Scan|BatchWrite\w+|Transact\w+|ConditionCheckItem|DescribeTable|GetRecords|GetShardIterator)$/.test(
          g,
        ),
      ),
    ).toEqual([]);
    expect(all.filter((g) => /states:SendTask(Failure|Heartbeat)$/.test(g))).toEqual([]);
    expect(functionNames.filter((n) => granted(n).some((g) => g.includes(' ses:'))).sort()).toEqual([
      'Admin',
      'AdvanceAccreditedYears',
      'AdvanceCommitment',
      'AdvanceInvitations',
      'AdvanceProgramme',
      'Forms',
      'NotifyCommitmentOutcome',
      'Public',
      'ReportLifecycleFailure',
      'WeeklyDigest',
    ]);
  });

  it.each([
    [
      'ParticipantLifecycle',
      [
        'AdvanceCommitment',
        'AwaitCommitment',
        'NotifyCommitmentOutcome',
        'AdvanceProgramme',
        'AwaitChange',
        'ReportLifecycleFailure',
      ],
      ['AccreditedYears', 'ParticipantLifecycle'],
    ],
    [
      'AccreditedYears',
      ['AdvanceAccreditedYears', 'AwaitChange', 'ReportLifecycleFailure'],
      ['AccreditedYears'],
    ],
  ] as const)('the %s state machine may invoke only %j and start only %j', (name, tasks, starts) => {
    expect([...aslNeeds(name)].sort()).toEqual(
      [
        ...tasks.map((t) => `${t} lambda:InvokeFunction`),
        ...starts.map((s) => `${s} states:StartExecution`),
      ].sort(),
    );
  });

  it('a needless grant added to a copy of the template is reported', () => {
    const table = [...ourNames(template)].find(([, name]) => name === 'Accreditation')?.[0];
    const scan = { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: { 'Fn::GetAtt': [table, 'Arn'] } };
    expect(leastPrivilegeFindings(withStatements('Public', (s) => [...s, scan]))).toEqual([
      'Public is granted Accreditation dynamodb:Scan, which it never calls',
    ]);
    const adminInvoked = withStatements('AccreditedYears', (s) => [
      ...s,
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [functionId('Admin'), 'Arn'] },
      },
    ]);
    expect(leastPrivilegeFindings(adminInvoked)).toEqual([
      'AccreditedYears is granted Admin lambda:InvokeFunction, which it never calls',
    ]);
    const anywhere = withStatements('Forms', (s) => [
      ...s,
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    ]);
    expect(leastPrivilegeFindings(anywhere)).toEqual([
      'Forms is granted s3:GetObject on *, which names nothing of ours that way',
    ]);
  });

  it('a needed grant removed from a copy of the template is reported', () => {
    expect(leastPrivilegeFindings(withStatements('Forms', withoutAction('states:SendTaskSuccess')))).toEqual([
      'Forms needs AccreditedYears states:SendTaskSuccess, which it is not granted',
      'Forms needs ParticipantLifecycle states:SendTaskSuccess, which it is not granted',
      'Forms needs WaitingListInvitations states:SendTaskSuccess, which it is not granted',
    ]);
    expect(leastPrivilegeFindings(withStatements('Reconcile', withoutAction('sns:Publish')))).toEqual([
      'Reconcile needs alerts sns:Publish, which it is not granted',
    ]);
  });

  it('a declaration that grants what the code never calls, or lacks what it calls, is reported', () => {
    const declared = {
      ...permissions,
      Reconcile: { ...permissions.Reconcile, table: ['GetItem', 'BatchGetItem', 'PutItem'] },
      Admin: { ...permissions.Admin, workflows: ['DescribeExecution', 'StopExecution', 'SendTaskSuccess'] },
    } satisfies Record<FunctionName, Permissions>;
    expect(declarationFindings(declared)).toEqual([
      'Admin needs AccreditedYears states:StartExecution, which it is not declared',
      'Admin needs ParticipantLifecycle states:StartExecution, which it is not declared',
      'Admin needs WaitingListInvitations states:StartExecution, which it is not declared',
      'Reconcile is declared Accreditation dynamodb:PutItem, which its code never calls',
    ]);
  });
});

function functionId(name: FunctionName): string | undefined {
  return [...ourNames(template)].find(([, n]) => n === name)?.[0];
}
