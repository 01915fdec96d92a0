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
   * What the Forms function needs, on the uploads prefix only: PutObject (the presigned POST is signed with
   * its credentials, so S3 checks the upload against its permissions), GetObject (HeadObject, the first
   * bytes, presigned downloads) and ListBucket (the files a request has so far).
   */
  grantForms(grantee: IGrantable) {
    this.grantUnder(UPLOADS_PREFIX, ['s3:PutObject', 's3:GetObject'], grantee);
  }

  /**
   * What AdvanceProgramme needs to keep a certificate at accreditation: GetObject (HeadObject, to leave one
   * already issued alone) and PutObject, on the certificates prefix only.
   */
  grantIssueCertificates(grantee: IGrantable) {
    this.grantUnder(CERTIFICATES_PREFIX, ['s3:PutObject', 's3:GetObject'], grantee);
  }

  /**
   * What the Public function needs to serve an issued certificate: GetObject on the certificates prefix
   * (and listing it, so a lead accredited without a kept certificate gets the 404 page, not an error).
   */
  grantReadCertificates(grantee: IGrantable) {
    this.grantUnder(CERTIFICATES_PREFIX, ['s3:GetObject'], grantee);
  }

  /**
   * What erasing a person's data needs (the Admin's erase-person, the retention job): listing and deleting
   * their uploads and their issued certificate. Export lists uploads too.
   */
  grantErase(grantee: IGrantable) {
    this.grantUnder(UPLOADS_PREFIX, ['s3:DeleteObject'], grantee);
    this.grantUnder(CERTIFICATES_PREFIX, ['s3:DeleteObject'], grantee);
  }

  /**
   * `actions` on the objects under `prefix`, and ListBucket limited to that prefix: with it, S3 answers a
   * missing key under the prefix with 404 rather than 403, so "not there" is not mistaken for "not allowed".
   */
  private grantUnder(prefix: string, actions: string[], grantee: IGrantable) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${prefix}*`)] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
  }
}
