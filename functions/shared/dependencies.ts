import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { type CertificateStore, s3CertificateStore } from '../accreditation/certificate-store.js';
import { AccreditationStore } from '../data/store.js';
import { type Clock, systemClock } from '../domain/time.js';
import { type Mailer, sesMailer } from '../email/mailer.js';
import { type AlertTopic, snsAlertTopic } from './alert-topic.js';
import { eventBridgeMilestoneBus, type MilestoneBus } from './milestone-bus.js';
import { tracer } from './observability.js';
import { s3Uploads, type Uploads } from './uploads.js';
import { stepFunctionsWorkflow, type Workflow } from './workflow.js';

export { IDEMPOTENCY_WINDOW_SECONDS } from './idempotency.js';

/** Everything a handler touches outside its own code, passed in so the domain runs without AWS. */
export interface Dependencies {
  store: AccreditationStore;
  mailer: Mailer;
  /** Powertools idempotency records: what makes a retried send or a double-posted form harmless. */
  idempotencyStore: BasePersistenceLayer;
  /**
   * The forms' replay pages, in the same table under a key prefix of their own (`forms/replays.ts`), on a
   * layer of their own: Powertools keeps one key prefix per layer.
   */
  formReplays: BasePersistenceLayer;
  workflow: Workflow;
  clock: Clock;
  settings: Settings;
  /** Files attached to submissions: only the Forms function may use them (its role is granted uploads/). */
  uploads?: Uploads;
  /**
   * Issued certificates, in the same bucket: AdvanceProgramme keeps each one at accreditation and the
   * Public function serves it (their roles are granted certificates/).
   */
  certificates?: CertificateStore;
  /** The admin's SNS topic: only the Reconcile function publishes to it (its role is granted sns:Publish). */
  alerts?: AlertTopic;
  /** The milestone bus: only the PublishMilestones function puts events on it (its role is granted PutEvents). */
  milestones?: MilestoneBus;
}

/** Configuration comes from the environment (CDK sets it; the local runtime sets the same names). */
export const Settings = z.object({
  TABLE_NAME: z.string().min(1),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  EMAIL_FROM: z.string().min(3),
  ADMIN_EMAIL: z.email(),
  FORMS_BASE_URL: z.url(),
  SES_CONFIGURATION_SET: z.string().optional(),
  /** The lifecycle: the admin function starts its executions, the reconciler looks them up. */
  STATE_MACHINE_ARN: z.string().default(''),
  /** The accredited years' state machine: the admin starts it again for a reinstated lead. */
  ACCREDITED_YEARS_STATE_MACHINE_ARN: z.string().default(''),
  /** Cohorts' invitations from the waiting list: the admin starts them. */
  WAITING_LIST_STATE_MACHINE_ARN: z.string().default(''),
  /** The forms (attachments), AdvanceProgramme and the public pages (issued certificates). */
  UPLOADS_BUCKET: z.string().min(1).optional(),
  /** How long after the last activity on a finished participant's record the retention job anonymises it. */
  RETENTION_YEARS: z.coerce.number().int().positive().default(6),
  /** The admin's alerts topic: only the reconciler is told it. */
  ALERT_TOPIC_ARN: z.string().min(1).optional(),
  /** The milestone bus (events/milestones.ts): only PublishMilestones is told it. */
  MILESTONE_BUS_NAME: z.string().min(1).optional(),
});
export type Settings = z.infer<typeof Settings>;

/** Where the AWS SDK clients point: nothing in Lambda; the local runtime's servers and dummy keys locally. */
export interface AwsClientOverrides {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { dynamodb: string; ses: string; sfn: string; s3: string; sns: string; events: string };
  /** Checks each client's calls against the calling function's grants, as IAM would (infra/local/iam.ts). */
  guard?: (client: object) => void;
}

/** Wires real AWS clients from the environment; DynamoDB, SES and Step Functions calls are traced (by operation and table, not payload). */
export function dependenciesFrom(
  env: NodeJS.ProcessEnv,
  { clock = systemClock, aws }: { clock?: Clock; aws?: AwsClientOverrides } = {},
): Dependencies {
  const settings = Settings.parse(env);
  const client = (service: keyof AwsClientOverrides['endpoints']) =>
    aws ? { region: aws.region, credentials: aws.credentials, endpoint: aws.endpoints[service] } : {};
  const guarded = <T extends object>(sdkClient: T) => {
    aws?.guard?.(sdkClient);
    return sdkClient;
  };
  const dynamodb = tracer.captureAWSv3Client(guarded(new DynamoDBClient(client('dynamodb'))));
  const idempotencyLayer = () =>
    new DynamoDBPersistenceLayer({ tableName: settings.IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: dynamodb });
  const idempotencyStore = idempotencyLayer();
  return {
    store: new AccreditationStore(dynamodb, settings.TABLE_NAME),
    idempotencyStore,
    formReplays: idempotencyLayer(),
    mailer: sesMailer({
      ses: tracer.captureAWSv3Client(guarded(new SESClient(client('ses')))),
      from: settings.EMAIL_FROM,
      configurationSet: settings.SES_CONFIGURATION_SET,
      persistenceStore: idempotencyStore,
    }),
    workflow: stepFunctionsWorkflow(tracer.captureAWSv3Client(guarded(new SFNClient(client('sfn')))), {
      ParticipantLifecycle: settings.STATE_MACHINE_ARN,
      AccreditedYears: settings.ACCREDITED_YEARS_STATE_MACHINE_ARN,
      WaitingListInvitations: settings.WAITING_LIST_STATE_MACHINE_ARN,
    }),
    clock,
    settings,
    ...(settings.UPLOADS_BUCKET &&
      bucketStores(
        guarded(new S3Client({ ...client('s3'), ...(aws && { forcePathStyle: true }) })),
        settings.UPLOADS_BUCKET,
      )),
    ...(settings.ALERT_TOPIC_ARN && {
      alerts: snsAlertTopic({
        sns: guarded(new SNSClient(client('sns'))),
        topicArn: settings.ALERT_TOPIC_ARN,
        persistenceStore: idempotencyStore,
      }),
    }),
    ...(settings.MILESTONE_BUS_NAME && {
      milestones: eventBridgeMilestoneBus({
        eventBridge: tracer.captureAWSv3Client(new EventBridgeClient(client('events'))),
        busName: settings.MILESTONE_BUS_NAME,
      }),
    }),
  };
}

/**
 * The uploads bucket's two uses: participants' attachments and issued certificates, on one client (locally
 * S3 answers at one address for every bucket, so buckets go in the path). Not traced: X-Ray records S3
 * object keys, and an upload's key ends in the name its author gave the file.
 */
function bucketStores(s3: S3Client, bucket: string) {
  return { uploads: s3Uploads(s3, bucket), certificates: s3CertificateStore(s3, bucket) };
}

/** Built once per Lambda container, on first use rather than at import. */
let cached: Dependencies | undefined;
export function lambdaDependencies(): Dependencies {
  cached ??= dependenciesFrom(process.env);
  return cached;
}
