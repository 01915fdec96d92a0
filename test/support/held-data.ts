import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditationTable, idempotencyTable } from '../../infra/table-design.js';

/** Reading everything a local system holds, as a test proving what is (and is not) kept about people. */

const aws = { region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
export const BUCKET = 'pd-accreditation-uploads';

export const localS3 = (system: LocalSystem) =>
  new S3Client({ ...aws, endpoint: system.urls.s3, forcePathStyle: true });

export interface Held {
  where: string;
  text: string;
}

/**
 * Everything the system holds, as text: both DynamoDB tables (the idempotency records too) scanned raw,
 * every S3 object (its key and bytes), and every execution's input, output and cause.
 */
export async function everythingHeld(system: LocalSystem): Promise<Held[]> {
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: system.urls.dynamodb });
  const held: Held[] = [];
  for (const table of [accreditationTable.TableName, idempotencyTable.TableName]) {
    let ExclusiveStartKey: Record<string, never> | undefined;
    do {
      const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      for (const item of page.Items ?? [])
        held.push({ where: `${table} ${JSON.stringify(item.PK ?? item.id)}`, text: JSON.stringify(item) });
      ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
    } while (ExclusiveStartKey);
  }
  const s3 = localS3(system);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const { Key } of listed.Contents ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    held.push({ where: `s3 ${Key}`, text: `${Key}\n${await object.Body?.transformToString('latin1')}` });
  }
  for (const e of system.stepFunctions.listExecutions())
    held.push({
      where: `execution ${e.name}`,
      text: JSON.stringify({ input: e.input, output: e.output, cause: e.cause }),
    });
  return held;
}

/**
 * Where any of `values` is held, as "<value> in <where>". A PDF's text is compressed, so what a certificate
 * prints is not found in its bytes: a test looks for the certificate's key instead.
 */
export const whereHeld = (held: Held[], values: string[]) =>
  values.flatMap((value) => held.filter((h) => h.text.includes(value)).map((h) => `${value} in ${h.where}`));
