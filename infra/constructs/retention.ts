import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DailyJobProps, grantLookingAtEveryone, runDaily } from './daily-job.js';
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
    props: DailyJobProps & { uploads: Uploads; retentionYears: number },
  ) {
    super(scope, id);
    const { fn, table, stateMachines, uploads } = props;
    fn.addEnvironment('RETENTION_YEARS', String(props.retentionYears));
    fn.addEnvironment('STATE_MACHINE_ARN', stateMachines.ParticipantLifecycle.stateMachineArn);
    fn.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', stateMachines.AccreditedYears.stateMachineArn);
    fn.addEnvironment('UPLOADS_BUCKET', uploads.bucket.bucketName);

    grantLookingAtEveryone(this, props, true);
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
    uploads.grantErase(fn);

    this.deadLetters = runDaily(this, props, {
      at: RETENTION_AT,
      description: `Every day: anonymise participants whose programme ended and whose record has been idle for ${props.retentionYears} years.`,
      alarm: 'RetentionNotRun',
      notRun: 'The daily retention job could not be run: look at its dead-letter queue.',
    });
  }
}
