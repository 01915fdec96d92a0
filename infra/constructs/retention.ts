import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { runOnSchedule, type ScheduledJobProps } from './scheduled-run.js';
import type { Uploads } from './uploads.js';

/** 03:00 in London, every day: out of hours, and before the reconciler's 06:00 look. */
export const RETENTION_AT = { hour: '3', minute: '0' } as const;

/** How long after the last activity on a finished participant's record it is anonymised, unless configured. */
export const DEFAULT_RETENTION_YEARS = 6;

/**
 * The retention job: EventBridge Scheduler runs the Retention function daily, which anonymises every
 * finished participant with nothing on their record for `retentionYears` years (as `erase-person` does).
 * What it may do is its line in functions/permissions.ts.
 */
export class Retention extends Construct {
  /** Invocations the scheduler could not deliver, after its retries. */
  readonly deadLetters: Queue;

  constructor(
    scope: Construct,
    id: string,
    props: ScheduledJobProps & { uploads: Uploads; retentionYears: number },
  ) {
    super(scope, id);
    const { fn, stateMachines, uploads } = props;
    fn.addEnvironment('RETENTION_YEARS', String(props.retentionYears));
    fn.addEnvironment('STATE_MACHINE_ARN', stateMachines.ParticipantLifecycle.stateMachineArn);
    fn.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', stateMachines.AccreditedYears.stateMachineArn);
    fn.addEnvironment('UPLOADS_BUCKET', uploads.bucket.bucketName);

    this.deadLetters = runOnSchedule(this, props, {
      at: RETENTION_AT,
      description: `Every day: anonymise participants whose programme ended and whose record has been idle for ${props.retentionYears} years.`,
      alarm: 'RetentionNotRun',
      notRun: 'The daily retention job could not be run: look at its dead-letter queue.',
    });
  }
}
