import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowName } from '../../workflows/definitions.js';
import type { AdminAlerts } from './admin-alerts.js';
import type { Uploads } from './uploads.js';

/** 03:00 in London, every day: out of hours, and before the reconciler's 06:00 look. */
export const RETENTION_AT = { hour: '3', minute: '0' } as const;

/** How long after the last activity on a finished participant's record it is anonymised, unless configured. */
export const DEFAULT_RETENTION_YEARS = 6;

/**
 * The retention job: EventBridge Scheduler runs the Retention function daily, which anonymises every
 * finished participant with nothing on their record for `retentionYears` years (as `erase-person` does).
 * It may read and write the table (Query on the table and GSI1: no Scan; GetItem, PutItem, UpdateItem,
 * DeleteItem), delete form replay records from the idempotency table, describe and stop executions of the
 * two state machines, and list and delete files under uploads/ and certificates/.
 */
export class Retention extends Construct {
  /** Invocations the scheduler could not deliver, after its retries. */
  readonly deadLetters: Queue;

  constructor(
    scope: Construct,
    id: string,
    props: {
      fn: IFunction & { addEnvironment(key: string, value: string): unknown };
      table: ITable;
      idempotencyTable: ITable;
      stateMachines: Record<WorkflowName, IStateMachine>;
      uploads: Uploads;
      alerts: AdminAlerts;
      retentionYears: number;
    },
  ) {
    super(scope, id);
    const { fn, table, stateMachines, uploads, alerts } = props;
    fn.addEnvironment('RETENTION_YEARS', String(props.retentionYears));
    fn.addEnvironment('STATE_MACHINE_ARN', stateMachines.ParticipantLifecycle.stateMachineArn);
    fn.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', stateMachines.AccreditedYears.stateMachineArn);
    fn.addEnvironment('UPLOADS_BUCKET', uploads.bucket.bucketName);

    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [table.tableArn, `${table.tableArn}/index/GSI1`],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
    // Stored replay pages of the participant's answers.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:DeleteItem'], resources: [props.idempotencyTable.tableArn] }),
    );
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: Object.keys(stateMachines).map(
          (name) => `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${name}:*`,
        ),
      }),
    );
    uploads.grantErase(fn);

    this.deadLetters = new Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    new Schedule(this, 'Daily', {
      description: `Every day: anonymise participants whose programme ended and whose record has been idle for ${props.retentionYears} years.`,
      schedule: ScheduleExpression.cron({ ...RETENTION_AT, timeZone: TimeZone.EUROPE_LONDON }),
      target: new LambdaInvoke(fn, {
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      }),
    });
    alerts.alarmOnAny(
      'RetentionNotRun',
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      'The daily retention job could not be run: look at its dead-letter queue.',
    );
  }
}
