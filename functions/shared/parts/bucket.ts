import { S3Client } from '@aws-sdk/client-s3';
import type { Wiring } from '../composition.js';

/**
 * The uploads bucket's client, shared by its two uses: participants' attachments and issued certificates
 * (locally S3 answers at one address for every bucket, so buckets go in the path). Not traced: X-Ray
 * records S3 object keys, and an upload's key ends in the name its author gave the file.
 */
export const s3 = (wiring: Wiring) =>
  wiring.client('s3', (config) => new S3Client({ ...config, ...(wiring.local && { forcePathStyle: true }) }));
