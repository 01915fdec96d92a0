import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { runOnSchedule, type ScheduledJobProps } from './scheduled-run.js';

/** 06:00 in London, every day: before the programme team starts work. */
export const RECONCILE_AT = { hour: '6', minute: '0' } as const;

/**
 * The daily reconciler: EventBridge Scheduler runs the Reconcile function, which looks up every unfinished
 * participant's execution and tells the admin's topic about any that has stopped or never started. What
 * it may do (read the table by key and GSI1, describe executions, publish to the topic, keep its
 * idempotency records) is its line in functions/permissions.ts.
 */
export class Reconciler extends Construct {
  /** Invocations the scheduler could not deliver, after its retries. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const { fn, stateMachines, alerts } = props;
    fn.addEnvironment('ALERT_TOPIC_ARN', alerts.topic.topicArn);
    fn.addEnvironment('STATE_MACHINE_ARN', stateMachines.ParticipantLifecycle.stateMachineArn);
    fn.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', stateMachines.AccreditedYears.stateMachineArn);

    this.deadLetters = runOnSchedule(this, props, {
      at: RECONCILE_AT,
      description:
        'Every day: tell the admin about unfinished participants whose execution stopped or never started.',
      alarm: 'ReconcilerNotRun',
      notRun: 'The daily reconciler could not be run: look at its dead-letter queue.',
    });
  }
}
