import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * S3 on this machine: s3rver stores the objects and answers the S3 API (buckets, list, head, get, put), and
 * this module stands in front of it to do what s3rver leaves out but our uploads rely on.
 *
 * s3rver 3.7 accepts a browser's POST upload but ignores its policy (its code says "policy: unimplemented")
 * and never checks a Signature Version 4 ("Signature version 4 calculation is unimplemented"); no other S3
 * emulator on npm (the s3rver forks, fauxqs, serverless-s3-local) checks a POST policy either, and MinIO
 * is a binary we cannot fetch here. Without those checks the size and type limits of our upload forms, and
 * our short-lived download links, would never be tested. So, as S3 does:
 * - a browser POST upload is refused unless its policy is signed with our key, unexpired, and every one
 *   of its conditions holds (content-length-range, eq, starts-with, exact fields) with no field left
 *   uncovered; only then is the file stored (through s3rver) and the browser redirected;
 * - every other request must carry a valid Signature Version 4, in its Authorization header or, for a
 *   presigned URL, its query string (unexpired).
 * - a PUT with `If-None-Match: *` (a conditional write, which s3rver ignores) is refused with 412
 *   PreconditionFailed when the key already holds an object, so an issued certificate is never replaced.
 * Error codes and statuses are S3's: 403 AccessDenied / SignatureDoesNotMatch, 400 EntityTooLarge /
 * EntityTooSmall / InvalidArgument.
 */

export interface LocalS3 {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** S3 puts the uploaded file's name in place of this in the key. */
const FILENAME = `\${filename}`;
/** Far above the forms' own limit, so an over-limit file reaches the policy check rather than this guard. */
const MAX_POST_BYTES = 64 * 1024 * 1024;
/** How far a signed request's clock may be from ours, as S3 allows. */
const MAX_SKEW_MS = 15 * 60_000;

class S3Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const xmlEscape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function sendError(response: ServerResponse, failure: S3Failure) {
  response.writeHead(failure.status, { 'Content-Type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message></Error>`,
  );
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');

function signingKey(secret: string, date: string, region: string, service: string) {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function sameSignature(expected: string, given: string) {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** "AK/20270101/eu-west-2/s3/aws4_request", checked against our key and region. */
function parseCredential(credential: string | undefined, keys: Credentials, region: string) {
  const [accessKeyId, date, credentialRegion, service, terminator] = (credential ?? '').split('/');
  if (accessKeyId !== keys.accessKeyId)
    throw new S3Failure(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist.');
  if (!date || credentialRegion !== region || service !== 's3' || terminator !== 'aws4_request')
    throw new S3Failure(400, 'AuthorizationQueryParametersError', `Bad credential scope: ${credential}`);
  return { date, scope: `${date}/${region}/s3/aws4_request` };
}

/** "20270101T120000Z" as a time. */
const amzTime = (amzDate: string) =>
  Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

/** RFC 3986 encoding, as Signature Version 4 canonicalises query strings. */
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Checks a Signature Version 4 request: header-signed (the SDK's calls) or presigned (download links). */
function verifySignatureV4(request: IncomingMessage, keys: Credentials, region: string, now: number) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const authorization = request.headers.authorization;
  const presigned = url.searchParams.get('X-Amz-Algorithm');
  let credential: string | undefined;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  if (authorization) {
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(
        authorization,
      );
    if (!match) throw new S3Failure(400, 'InvalidArgument', 'Unsupported Authorization header.');
    credential = match[1];
    signedHeaders = (match[2] ?? '').split(';');
    signature = match[3] ?? '';
    amzDate = String(request.headers['x-amz-date'] ?? '');
    payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
    if (Math.abs(now - amzTime(amzDate)) > MAX_SKEW_MS || Number.isNaN(amzTime(amzDate)))
      throw new S3Failure(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and ours is too large.',
      );
  } else if (presigned) {
    if (presigned !== 'AWS4-HMAC-SHA256')
      throw new S3Failure(400, 'InvalidArgument', 'Unsupported algorithm.');
    credential = url.searchParams.get('X-Amz-Credential') ?? undefined;
    signedHeaders = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    signature = url.searchParams.get('X-Amz-Signature') ?? '';
    amzDate = url.searchParams.get('X-Amz-Date') ?? '';
    payloadHash = 'UNSIGNED-PAYLOAD';
    const expires = Number(url.searchParams.get('X-Amz-Expires'));
    const signedAt = amzTime(amzDate);
    if (Number.isNaN(signedAt) || !(expires > 0))
      throw new S3Failure(400, 'InvalidArgument', 'Bad X-Amz-Date.');
    if (now > signedAt + expires * 1000) throw new S3Failure(403, 'AccessDenied', 'Request has expired');
  } else {
    throw new S3Failure(403, 'AccessDenied', 'Access Denied');
  }
  const { scope } = parseCredential(credential, keys, region);
  const query = [...url.searchParams]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([a = '', av = ''], [b = '', bv = '']) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headers = signedHeaders.map((name) => {
    const value = request.headers[name];
    return `${name}:${[value].flat().join(',').trim().replace(/\s+/g, ' ')}\n`;
  });
  // The path exactly as sent: S3 signs it already encoded, without encoding it again.
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const canonical = [
    request.method,
    path,
    query,
    headers.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const expected = hmac(
    signingKey(keys.secretAccessKey, scope.slice(0, 8), region, 's3'),
    stringToSign,
  ).toString('hex');
  if (!sameSignature(expected, signature))
    throw new S3Failure(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
}

type Condition = Record<string, string> | [string, ...unknown[]];

/**
 * A browser's POST upload, checked as S3 checks it: the policy's signature, its expiry, every condition,
 * and no field the policy does not mention. Returns what to store and where to send the browser.
 */
function checkPostPolicy(
  bucket: string,
  entries: [string, string | File][],
  keys: Credentials,
  region: string,
  now: number,
) {
  // S3 reads fields up to the file, in any case, and ignores the rest.
  const fileAt = entries.findIndex(([name]) => name === 'file');
  const file = entries[fileAt]?.[1];
  if (typeof file !== 'object')
    throw new S3Failure(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const fields = new Map<string, string>();
  for (const [name, value] of entries.slice(0, fileAt))
    if (typeof value === 'string') fields.set(name.toLowerCase(), value);
  const key = fields.get('key');
  if (!key) throw new S3Failure(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.");

  const policy = fields.get('policy');
  if (!policy) throw new S3Failure(403, 'AccessDenied', 'Bucket POST must contain a policy.');
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256')
    throw new S3Failure(400, 'InvalidArgument', 'Bucket POST must use AWS4-HMAC-SHA256.');
  const { date } = parseCredential(fields.get('x-amz-credential'), keys, region);
  const expected = hmac(signingKey(keys.secretAccessKey, date, region, 's3'), policy).toString('hex');
  if (!sameSignature(expected, fields.get('x-amz-signature') ?? ''))
    throw new S3Failure(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );

  const { expiration, conditions } = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as {
    expiration: string;
    conditions: Condition[];
  };
  if (!(Date.parse(expiration) > now))
    throw new S3Failure(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');

  const bytes = file.size;
  const stored = key.replaceAll(FILENAME, file.name);
  const value = (name: string) =>
    name.toLowerCase() === 'bucket'
      ? bucket
      : name.toLowerCase() === 'key'
        ? stored
        : fields.get(name.toLowerCase());
  const covered = new Set(['policy', 'x-amz-signature', 'file']);
  const failed = (condition: Condition) =>
    new S3Failure(
      403,
      'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
    );
  for (const condition of conditions) {
    if (!Array.isArray(condition)) {
      for (const [name, wanted] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (value(name) !== wanted) throw failed(condition);
      }
      continue;
    }
    const [operator, ...args] = condition;
    if (operator === 'content-length-range') {
      const [min, max] = args as [number, number];
      if (bytes > max)
        throw new S3Failure(
          400,
          'EntityTooLarge',
          `Your proposed upload exceeds the maximum allowed size (${max} bytes).`,
        );
      if (bytes < min)
        throw new S3Failure(
          400,
          'EntityTooSmall',
          `Your proposed upload is smaller than the minimum allowed size (${min} bytes).`,
        );
      continue;
    }
    const [field, wanted] = args as [string, string];
    const name = field.replace(/^\$/, '');
    covered.add(name.toLowerCase());
    const given = value(name) ?? '';
    const holds =
      operator === 'eq' ? given === wanted : operator === 'starts-with' ? given.startsWith(wanted) : false;
    if (!holds) throw failed(condition);
  }
  const extra = [...fields.keys()].filter((name) => !covered.has(name) && !name.startsWith('x-ignore-'));
  if (extra.length > 0)
    throw new S3Failure(
      403,
      'AccessDenied',
      `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`,
    );

  return {
    key: stored,
    file,
    contentType: fields.get('content-type'),
    redirect: fields.get('success_action_redirect'),
  };
}

async function readLimited(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new S3Failure(400, 'MaxPostPreDataLengthExceeded', 'Your POST request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** s3rver checks every signed request against its own accounts: it must know our local key. */
function registerKey(keys: Credentials) {
  const require = createRequire(import.meta.url);
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(keys.accessKeyId, keys.secretAccessKey);
}

/** Starts S3 on `port` (0: any free port), storing objects under `directory`, with `bucket` created. */
export async function startLocalS3(options: {
  port: number;
  directory: string;
  bucket: string;
  region: string;
  credentials: Credentials;
}): Promise<LocalS3> {
  const { region, credentials } = options;
  registerKey(credentials);
  const s3rver = new S3rver({ directory: options.directory, silent: true, vhostBuckets: false });
  const s3Api = s3rver.callback();
  const server = createServer();
  const port = await new Promise<number>((done) =>
    server.listen(options.port, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
  const url = `http://localhost:${port}`;
  // What stores a checked POST upload: a signed PutObject, through the same checks as any other call.
  const client = new S3Client({
    region,
    credentials,
    endpoint: url,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });

  async function postUpload(request: IncomingMessage, response: ServerResponse, bucket: string) {
    const body = await readLimited(request, MAX_POST_BYTES);
    const form = await new Request(url, {
      method: 'POST',
      headers: { 'content-type': String(request.headers['content-type']) },
      body,
    })
      .formData()
      .catch(() => {
        throw new S3Failure(
          400,
          'MalformedPOSTRequest',
          'The body of your POST request is not well-formed multipart/form-data.',
        );
      });
    const upload = checkPostPolicy(bucket, [...form.entries()], credentials, region, Date.now());
    const stored = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: upload.key,
        Body: new Uint8Array(await upload.file.arrayBuffer()),
        ContentType: upload.contentType ?? 'binary/octet-stream',
      }),
    );
    if (!upload.redirect) {
      response.writeHead(204, { ETag: stored.ETag ?? '' });
      return response.end();
    }
    const location = new URL(upload.redirect);
    location.searchParams.append('bucket', bucket);
    location.searchParams.append('key', upload.key);
    location.searchParams.append('etag', stored.ETag ?? '');
    response.writeHead(303, { Location: location.href, ETag: stored.ETag ?? '' });
    response.end();
  }

  /** A conditional write (`If-None-Match: *`) to "/<bucket>/<key>" fails, as on S3, if the key is taken. */
  async function refuseIfKept(path: string) {
    const [, bucket = '', ...key] = path.split('/').map(decodeURIComponent);
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key.join('/') }));
    } catch (error) {
      if ((error as Error).name === 'NotFound') return;
      throw error;
    }
    throw new S3Failure(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', url).pathname;
    const bucketPost = request.method === 'POST' && /^\/[^/]+\/?$/.test(path);
    const isForm = String(request.headers['content-type']).startsWith('multipart/form-data');
    const handle = async () => {
      if (bucketPost && isForm)
        return postUpload(request, response, decodeURIComponent(path.split('/')[1] ?? ''));
      verifySignatureV4(request, credentials, region, Date.now());
      if (request.method === 'PUT' && request.headers['if-none-match'] === '*') await refuseIfKept(path);
      s3Api(request, response);
    };
    handle().catch((error: unknown) => {
      if (error instanceof S3Failure) return sendError(response, error);
      sendError(response, new S3Failure(500, 'InternalError', (error as Error).message));
    });
  });

  try {
    await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
  } catch (error) {
    if (
      (error as Error).name !== 'BucketAlreadyOwnedByYou' &&
      (error as Error).name !== 'BucketAlreadyExists'
    )
      throw error;
  }

  return {
    url,
    server,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
