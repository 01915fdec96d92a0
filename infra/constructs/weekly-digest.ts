import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { runOnSchedule, type ScheduledJobProps } from './scheduled-run.js';

/** Monday, 07:00 in London: the week's digest is there when the programme team starts work. */
export const WEEKLY_DIGEST_AT = { weekDay: 'MON', hour: '7', minute: '0' } as const;

/**
 * The weekly digest: EventBridge Scheduler runs the WeeklyDigest function, which emails each cohort's
 * admin who is overdue and whom the cohort waits on. What it may do (read the table, send email once) is
 * its line in functions/permissions.ts.
 */
export class WeeklyDigestSender extends Construct {
  /** Invocations the scheduler could not deliver, after its retries. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: Pick<ScheduledJobProps, 'fn' | 'alerts'>) {
    super(scope, id);
    this.deadLetters = runOnSchedule(this, props, {
      at: WEEKLY_DIGEST_AT,
      id: 'Weekly',
      description: "Every Monday: email each cohort's admin who is overdue and whom the cohort waits on.",
      alarm: 'WeeklyDigestNotRun',
      notRun: 'The weekly digest could not be run: look at its dead-letter queue.',
    });
  }
}
