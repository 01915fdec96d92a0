import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CERTIFICATES_PREFIX, UPLOADS_PREFIX } from './constructs/uploads.js';

/** cdk-nag findings we accept, each with the reason a reviewer needs. Everything else must be fixed. */
export function acknowledgeNagFindings(
  stack: Stack,
  scoped: {
    tasks: IConstruct[];
    uploads: { bucket: IConstruct };
    reconciler: { deadLetters: IConstruct };
    retention: { deadLetters: IConstruct };
    milestones: { deadLetters: IConstruct };
    weeklyDigest: { deadLetters: IConstruct };
  },
) {
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const wildcard = (resource: string) => `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`;
  const grants =
    'Wildcards from CDK grants on our own resources: the Lambda versions of our own functions invoked by the state machines and by the reconciler’s, retention job’s and weekly digest’s schedules.';
  Validations.of(stack).acknowledge(
    ...scoped.tasks.map((fn) => ({ id: wildcard(`<${logicalId(fn)}.Arn>:*`), reason: grants })),
    {
      id: wildcard(`<${logicalId(scoped.uploads.bucket)}.Arn>/${UPLOADS_PREFIX}*`),
      reason:
        "The Forms function reads and presigns uploads under uploads/<requestId>/<random>/<file name>: keys made per request and per upload, so only a prefix can name them; the Admin (erase-person) and the retention job delete a person's uploads there. Nothing outside the uploads/ prefix is granted.",
    },
    {
      id: wildcard(`<${logicalId(scoped.uploads.bucket)}.Arn>/${CERTIFICATES_PREFIX}*`),
      reason:
        "Issued certificates are kept as certificates/<verification code>.pdf, one per accredited lead, so only a prefix can name them. AdvanceProgramme may get and put there (no delete, and it never replaces a certificate issued); the Public function may only get; only the Admin (erase-person) and the retention job delete, when the lead's data is erased. Nothing outside the certificates/ prefix is granted.",
    },
    {
      id: wildcard('*'),
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords and DynamoDB ListStreams (the stream event source of PublishMilestones) have no resource-level permissions.',
    },
    ...(['ParticipantLifecycle', 'AccreditedYears'] as const).map((name) => ({
      id: wildcard(`arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*`),
      reason: `The Admin function (resume-participant, defer-participant) and the reconciler may describe any execution of the ${name} state machine, and the Admin (erase-person) and the retention job stop one: executions are named per participant as they start, so only a prefix can name them.`,
    })),
    {
      id: wildcard(
        'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:WaitingListInvitations:*',
      ),
      reason:
        'The Admin function (invite-from-waitlist) and the reconciler and retention job may describe any execution of the WaitingListInvitations state machine: executions are named per cohort and generation as they start, so only a prefix can name them.',
    },
    {
      id: wildcard('arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*'),
      reason: 'SES identity/* so a verified domain or address can replace another without redeploying roles.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'Lets each function write its own logs, nothing more.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'API Gateway’s account-level role for writing access and execution logs.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-APIG2',
      reason:
        'The forms handler validates every request with zod and answers with a readable page and the right status; API Gateway validation would return JSON that senior leaders cannot read.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'Senior leaders and participants have no accounts: the link secret (stored hashed, with expiry) is the authorisation, checked by the handler.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-COG4',
      reason:
        'No Cognito by design: the link secret is the authorisation for these public forms (see APIG4).',
    },
  );
  // Only the scheduled jobs' dead-letter queues: any other queue without a DLQ must still be reported.
  for (const [job, { deadLetters }] of Object.entries({
    reconciler: scoped.reconciler,
    'retention job': scoped.retention,
    'weekly digest': scoped.weeklyDigest,
  }))
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: `This queue is the dead-letter queue of the ${job}'s schedule target (EventBridge Scheduler's own DLQ setting, which cdk-nag does not see); a message in it raises an alarm to the admin.`,
    });
  Validations.of(scoped.milestones.deadLetters).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SQS3',
    reason:
      "This queue is the on-failure destination of PublishMilestones' stream event source: it gets the stream batches that could not be published, and a message in it raises an alarm to the admin.",
  });
}
