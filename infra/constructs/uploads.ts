import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/** Where every participant's files go: functions/shared/uploads.ts makes the keys. */
export const UPLOADS_PREFIX = 'uploads/';
/** Where issued certificates are kept: functions/accreditation/certificate-store.ts makes the keys. */
export const CERTIFICATES_PREFIX = 'certificates/';

/**
 * The files participants attach to their task and framework submissions. Browsers post them straight here
 * with presigned POSTs (the policy limits size, type and key), so the bucket needs no CORS: a form post is
 * not a cross-origin fetch. Nothing is public; the cohort lead downloads through short-lived presigned GETs.
 * Issued certificates are kept here too, under their own prefix, so each function is granted only its part.
 */
export class Uploads extends Construct {
  readonly bucket: Bucket;
  /** Server access logs of the uploads bucket: who posted and fetched which file. */
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // S3 delivers access logs under a bucket policy, not the log-delivery ACL (ACLs are disabled here).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const secure = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Submissions are records of a participant's accreditation: they outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secure,
      // S3 log delivery supports SSE-S3 (not KMS) on the target bucket.
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      versioned: false,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'uploads-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
  }

  /**
   * Object `actions` under `prefix` (functions/permissions.ts says whose); ListBucket is limited to listing
   * that prefix, which also lets S3 answer a missing key under it with 404 rather than 403.
   */
  grantUnder(
    prefix: string,
    actions: readonly ('GetObject' | 'PutObject' | 'DeleteObject' | 'ListBucket')[],
    grantee: IGrantable,
  ) {
    const onObjects = actions.filter((a) => a !== 'ListBucket').map((a) => `s3:${a}`);
    if (onObjects.length > 0)
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: onObjects, resources: [this.bucket.arnForObjects(`${prefix}*`)] }),
      );
    if (actions.includes('ListBucket'))
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
        }),
      );
  }
}
