import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type CronOptionsWithTimezone,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { WorkflowName } from '../../workflows/definitions.js';
import type { AdminAlerts } from './admin-alerts.js';

/**
 * What a scheduled job over every participant is given: the reconciler, the retention job and the weekly
 * digest. What each may do is its line in functions/permissions.ts.
 */
export interface ScheduledJobProps {
  fn: IFunction & { addEnvironment(key: string, value: string): unknown };
  stateMachines: Record<WorkflowName, IStateMachine>;
  alerts: AdminAlerts;
}

/**
 * Runs `fn` with `{}` at a London time with EventBridge Scheduler (three retries within six hours, then a
 * dead-letter queue whose messages raise an alarm to the admin). Returns the dead-letter queue. Its
 * children are `scope`'s own (`DeadLetters` and the schedule, `Daily` unless named), so their logical ids
 * are the construct's.
 */
export function runOnSchedule(
  scope: Construct,
  { fn, alerts }: Pick<ScheduledJobProps, 'fn' | 'alerts'>,
  job: {
    at: Omit<CronOptionsWithTimezone, 'timeZone'>;
    id?: string;
    description: string;
    alarm: string;
    notRun: string;
  },
): Queue {
  const deadLetters = alerts.deadLetterQueue(scope, job.alarm, job.notRun);
  new Schedule(scope, job.id ?? 'Daily', {
    description: job.description,
    schedule: ScheduleExpression.cron({ ...job.at, timeZone: TimeZone.EUROPE_LONDON }),
    target: new LambdaInvoke(fn, {
      input: ScheduleTargetInput.fromObject({}),
      retryAttempts: 3,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: deadLetters,
    }),
  });
  return deadLetters;
}
