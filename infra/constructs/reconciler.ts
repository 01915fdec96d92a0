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

/** 06:00 in London, every day: before the programme team starts work. */
export const RECONCILE_AT = { hour: '6', minute: '0' } as const;

/**
 * The daily reconciler: EventBridge Scheduler runs the Reconcile function, which looks up every unfinished
 * participant's execution and tells the admin's topic about any that has stopped or never started. It may
 * only read the table (GetItem, and Query on the table and GSI1: no Scan), describe executions of the two
 * state machines, publish to the topic, and keep its idempotency records.
 */
export class Reconciler extends Construct {
  /** Invocations the scheduler could not deliver, after its retries. */
  readonly deadLetters: Queue;

  constructor(
    scope: Construct,
    id: string,
    props: {
      fn: IFunction & { addEnvironment(key: string, value: string): unknown };
      table: ITable;
      idempotencyTable: ITable;
      /** The participants' state machines, whose executions it looks up (not the cohorts' invitations). */
      stateMachines: Record<Exclude<WorkflowName, 'WaitingListInvitations'>, IStateMachine>;
      alerts: AdminAlerts;
    },
  ) {
    super(scope, id);
    const { fn, table, stateMachines, alerts } = props;
    fn.addEnvironment('ALERT_TOPIC_ARN', alerts.topic.topicArn);
    fn.addEnvironment('STATE_MACHINE_ARN', stateMachines.ParticipantLifecycle.stateMachineArn);
    fn.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', stateMachines.AccreditedYears.stateMachineArn);

    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [table.tableArn, `${table.tableArn}/index/GSI1`],
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
    // Powertools idempotency: a retried run publishes nothing twice.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotencyTable.tableArn],
      }),
    );
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: Object.keys(stateMachines).map(
          (name) => `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${name}:*`,
        ),
      }),
    );
    alerts.topic.grantPublish(fn);

    this.deadLetters = new Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    new Schedule(this, 'Daily', {
      description:
        'Every day: tell the admin about unfinished participants whose execution stopped or never started.',
      schedule: ScheduleExpression.cron({ ...RECONCILE_AT, timeZone: TimeZone.EUROPE_LONDON }),
      target: new LambdaInvoke(fn, {
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetters,
      }),
    });
    alerts.alarmOnAny(
      'ReconcilerNotRun',
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      'The daily reconciler could not be run: look at its dead-letter queue.',
    );
  }
}
