import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type CronOptionsWithTimezone,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { AdminAlerts } from './admin-alerts.js';

/**
 * Runs `fn` with `{}` at a London time through EventBridge Scheduler: three retries within six hours,
 * then the invocation goes to a dead-letter queue (`DeadLetters` in `scope`), where any message alarms
 * the admin's topic. Returns that queue.
 */
export function scheduleRuns(
  scope: Construct,
  props: {
    fn: IFunction;
    /** The schedule's construct id. */
    id: string;
    description: string;
    at: Omit<CronOptionsWithTimezone, 'timeZone'>;
    alerts: AdminAlerts;
    alarm: { name: string; description: string };
  },
): Queue {
  const deadLetters = new Queue(scope, 'DeadLetters', {
    enforceSSL: true,
    encryption: QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
  });
  new Schedule(scope, props.id, {
    description: props.description,
    schedule: ScheduleExpression.cron({ ...props.at, timeZone: TimeZone.EUROPE_LONDON }),
    target: new LambdaInvoke(props.fn, {
      input: ScheduleTargetInput.fromObject({}),
      retryAttempts: 3,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: deadLetters,
    }),
  });
  props.alerts.alarmOnAny(
    props.alarm.name,
    deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    props.alarm.description,
  );
  return deadLetters;
}
