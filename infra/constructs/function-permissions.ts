import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Permissions } from '../../functions/permissions.js';
import { type WorkflowName, workflowFiles } from '../../workflows/definitions.js';
import { workflowArn } from './lifecycle-workflows.js';
import { CERTIFICATES_PREFIX, UPLOADS_PREFIX, type Uploads } from './uploads.js';

/** The resources a function's declared permissions name. */
export interface PermissionTargets {
  table: ITable;
  idempotencyTable: ITable;
  uploads: Uploads;
  alerts: ITopic;
  emailConfigurationSetName: string;
  milestones: IEventBus;
}

/**
 * Grants a function exactly what functions/permissions.ts declares for it, on our own resources only.
 * State machines are named by ARN, not referenced: a function they invoke cannot depend on them.
 */
export function grantDeclared(
  scope: Construct,
  grantee: IGrantable,
  p: Permissions,
  targets: PermissionTargets,
) {
  const allow = (actions: string[], resources: string[]) => {
    if (actions.length > 0)
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
  };
  const stack = Stack.of(scope);
  const workflows = Object.keys(workflowFiles) as WorkflowName[];
  const { table, idempotencyTable } = targets;
  allow(
    (p.table ?? []).map((a) => `dynamodb:${a}`),
    [table.tableArn],
  );
  if (p.queryGsi1) allow(['dynamodb:Query'], [`${table.tableArn}/index/GSI1`]);
  if (p.queryGsi2) allow(['dynamodb:Query'], [`${table.tableArn}/index/GSI2`]);
  allow(
    (p.idempotency ?? []).map((a) => `dynamodb:${a}`),
    [idempotencyTable.tableArn],
  );
  if (p.email)
    allow(
      ['ses:SendEmail', 'ses:SendRawEmail'],
      [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: targets.emailConfigurationSetName,
        }),
      ],
    );
  const onExecution = (a: string) => a === 'DescribeExecution' || a === 'StopExecution';
  const onExecutions = (p.workflows ?? []).filter(onExecution);
  const onStateMachines = (p.workflows ?? []).filter((a) => !onExecution(a));
  allow(
    onStateMachines.map((a) => `states:${a}`),
    workflows.map((name) => workflowArn(scope, name)),
  );
  // Executions are named per participant as they start, so only a prefix can name them.
  allow(
    onExecutions.map((a) => `states:${a}`),
    workflows.map((name) =>
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${name}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ),
  );
  if (p.uploads) targets.uploads.grantUnder(UPLOADS_PREFIX, p.uploads, grantee);
  if (p.certificates) targets.uploads.grantUnder(CERTIFICATES_PREFIX, p.certificates, grantee);
  if (p.alerts) allow(['sns:Publish'], [targets.alerts.topicArn]);
  if (p.milestones) allow(['events:PutEvents'], [targets.milestones.eventBusArn]);
}
