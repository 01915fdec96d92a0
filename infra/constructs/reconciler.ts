import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DailyJobProps, grantLookingAtEveryone, runDaily } from './daily-job.js';

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

  constructor(scope: Construct, id: string, props: DailyJobProps) {
    super(scope, id);
    const { fn, table, stateMachines, alerts } = props;
    fn.addEnvironment('ALERT_TOPIC_ARN', alerts.topic.topicArn);
    fn.addEnvironment('STATE_MACHINE_ARN', stateMachines.ParticipantLifecycle.stateMachineArn);
    fn.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', stateMachines.AccreditedYears.stateMachineArn);

    grantLookingAtEveryone(this, props);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
    // Powertools idempotency: a retried run publishes nothing twice.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotencyTable.tableArn],
      }),
    );
    alerts.topic.grantPublish(fn);

    this.deadLetters = runDaily(this, props, {
      at: RECONCILE_AT,
      description:
        'Every day: tell the admin about unfinished participants whose execution stopped or never started.',
      alarm: 'ReconcilerNotRun',
      notRun: 'The daily reconciler could not be run: look at its dead-letter queue.',
    });
  }
}
