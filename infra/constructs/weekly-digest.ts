import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AdminAlerts } from './admin-alerts.js';
import { scheduleRuns } from './scheduled-run.js';

/** Monday, 07:00 in London: the week's digest is there when the programme team starts work. */
export const WEEKLY_DIGEST_AT = { weekDay: 'MON', hour: '7', minute: '0' } as const;

/**
 * The weekly digest: EventBridge Scheduler runs the WeeklyDigest function, which emails each cohort's
 * admin who is overdue and whom the cohort waits on. On the table it may only read (GetItem, and Query on
 * the table and GSI1: every cohort, then each one's participants); its idempotency records and SES
 * sending are granted with the other functions' (infra/accreditation-stack.ts).
 */
export class WeeklyDigestSender extends Construct {
  /** Invocations the scheduler could not deliver, after its retries. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: { fn: IFunction; table: ITable; alerts: AdminAlerts }) {
    super(scope, id);
    const { fn, table, alerts } = props;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [table.tableArn, `${table.tableArn}/index/GSI1`],
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
    this.deadLetters = scheduleRuns(this, {
      fn,
      id: 'Weekly',
      description: "Every Monday: email each cohort's admin who is overdue and whom the cohort waits on.",
      at: WEEKLY_DIGEST_AT,
      alerts,
      alarm: {
        name: 'WeeklyDigestNotRun',
        description: 'The weekly digest could not be run: look at its dead-letter queue.',
      },
    });
  }
}
