import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../functions/domain/time.js';
import type { BatchResponse } from '../../functions/events/publish-milestones.js';
import { milestoneStream } from '../milestone-stream.js';
import type { ControllableClock } from './clock.js';
import type { HttpExchange, InProcessHttp } from './in-process-http.js';

type Image = Record<string, AttributeValue>;

/** A record as DynamoDB Streams gives it to Lambda (NEW_AND_OLD_IMAGES). */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Image;
    NewImage?: Image;
    OldImage?: Image;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: 'NEW_AND_OLD_IMAGES';
  };
}

export interface LocalTableStream {
  /** Where DynamoDB clients send their requests: DynamoDB (dynalite) behind the stream's capture. */
  url: string;
  /** Records given up on after their retries, as the event source's on-failure destination would get them. */
  deadLetters: StreamRecord[];
  /** Resolves once every write under way is captured and every record delivered (or given up on). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** A request's whole body (by its events: an async iterator costs a promise per chunk). */
const bodyOf = (request: IncomingMessage) =>
  new Promise<Buffer>((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.on('error', fail);
  });
/** Writes of several items at once: nothing here uses them, and the stream does not capture them. */
const MULTI_ITEM_WRITES = new Set(['BatchWriteItem', 'TransactWriteItems']);

/**
 * DynamoDB Streams for the accreditation table, locally (dynalite has none): the capture half, which runs
 * beside dynalite in the DynamoDB service's thread (./dynamodb-service.ts). It is the table's endpoint: it
 * hands each request to dynalite's own handler in that thread (one socket per call, not two) and sees its
 * answer. Each write to a participant item (the event source mapping's filter) is serialised with the
 * other writes to that item, its old image known (or read) before and its new image read after, and a
 * record made (`append`) if the item changed, as Streams makes none for a write that changes nothing, or
 * one whose condition failed.
 */
export async function captureTableWrites(options: {
  port: number;
  /** dynalite's request handler, called in this thread: each request crosses one socket, not two. */
  dynamodb: InProcessHttp;
  tableName: string;
  region: string;
  account: string;
  clock: Clock;
  append(record: StreamRecord): void;
}): Promise<{ url: string; drained(): Promise<void>; stop(): Promise<void> }> {
  const streamArn = `arn:aws:dynamodb:${options.region}:${options.account}:table/${options.tableName}/stream/local`;
  const writesUnderWay = new Set<Promise<unknown>>();
  const itemQueues = new Map<string, Promise<unknown>>();
  let sequence = 0;
  const { append } = options;

  /** Runs `work` after every earlier write to the same item: the old and new images are this write's. */
  function serialised<T>(itemKey: string, work: () => Promise<T>): Promise<T> {
    const run = (itemQueues.get(itemKey) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    itemQueues.set(itemKey, settled);
    void settled.then(() => itemQueues.get(itemKey) === settled && itemQueues.delete(itemKey));
    return run;
  }

  /**
   * The item as dynalite holds it, read as any client reads it (GetItem, strongly consistent): its answer
   * as sent, `{"Item":…}` or `{}`, which is the same bytes for the same item.
   */
  async function readImage(key: Image, { headers }: HttpExchange['request']): Promise<Buffer> {
    const read = await options.dynamodb({
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
        authorization: headers.authorization,
        'x-amz-date': headers['x-amz-date'],
      },
      body: Buffer.from(JSON.stringify({ TableName: options.tableName, Key: key, ConsistentRead: true })),
    });
    if (read.status !== 200)
      throw new Error(`Reading the stream's image failed: ${read.body.toString('utf8')}`);
    return read.body;
  }
  const itemOf = (image: Buffer) => (JSON.parse(image.toString('utf8')) as { Item?: Image }).Item;

  function record(key: Image, beforeImage: Buffer, afterImage: Buffer): StreamRecord {
    const before = itemOf(beforeImage);
    const after = itemOf(afterImage);
    return {
      eventID: randomUUID().replaceAll('-', ''),
      eventName: before ? (after ? 'MODIFY' : 'REMOVE') : 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: options.region,
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(options.clock.now().getTime() / 1000),
        Keys: key,
        ...(after && { NewImage: after }),
        ...(before && { OldImage: before }),
        SequenceNumber: String(++sequence).padStart(21, '0'),
        SizeBytes: beforeImage.length + afterImage.length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  }

  /**
   * Each item's image as the last write through here left it (every write comes through here), so a write
   * usually costs one read, after it, off the writer's path: the writer has its answer once the write is
   * done, and the next write to the item waits until this one's record is made. Only the items written
   * most recently are kept, as bytes, so a cohort of thousands does not hold every record twice.
   */
  const images = new Map<string, Buffer>();
  const IMAGES_KEPT = 2_000;
  function captured(itemKey: string, key: Image, request: HttpExchange['request']) {
    return new Promise<HttpExchange['answer']>((answer, fail) => {
      const work = serialised(itemKey, async () => {
        const before = images.get(itemKey) ?? (await readImage(key, request));
        images.delete(itemKey);
        const written = await options.dynamodb(request);
        answer(written);
        const after = written.status === 200 ? await readImage(key, request) : before;
        images.set(itemKey, after);
        if (images.size > IMAGES_KEPT) images.delete(images.keys().next().value as string);
        if (!before.equals(after)) append(record(key, before, after));
      });
      work.catch(fail);
      writesUnderWay.add(work);
      void work.finally(() => writesUnderWay.delete(work)).catch(() => undefined);
    });
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse) {
    const { method = 'POST', url = '/', headers } = incoming;
    const request = { method, url, headers, body: await bodyOf(incoming) };
    const operation = String(headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (
      MULTI_ITEM_WRITES.has(operation) &&
      request.body.toString('utf8').includes(milestoneStream.participantKeyPrefix)
    ) {
      response.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
      return response.end(
        JSON.stringify({
          __type: 'com.amazon.coral.validate#ValidationException',
          message: `Local stream: ${operation} of participant items is not captured; write them one by one`,
        }),
      );
    }
    const key = WRITES.has(operation) ? participantKey(request.body) : undefined;
    const answer = key
      ? await captured(`${key.PK?.S}\n${key.SK?.S}`, key, request)
      : await options.dynamodb(request);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  /** The key of the participant item a write is to, if it is to one (the event source mapping's filter). */
  function participantKey(body: Buffer): Image | undefined {
    let input: { TableName?: string; Key?: Image; Item?: Image };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined; // dynalite answers SerializationException, as DynamoDB does.
    }
    const key =
      input.Key ??
      (input.Item && { PK: input.Item.PK as AttributeValue, SK: input.Item.SK as AttributeValue });
    return input.TableName === options.tableName &&
      key?.PK?.S?.startsWith(milestoneStream.participantKeyPrefix) &&
      key.SK !== undefined
      ? key
      : undefined;
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      response.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({ __type: 'InternalServerError', message: `Local stream: ${error.message}` }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(options.port, '127.0.0.1', done));
  const drained = async () => {
    while (writesUnderWay.size) await Promise.allSettled([...writesUnderWay]);
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    drained,
    async stop() {
      await drained();
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
    },
  };
}

/** What the DynamoDB service's thread tells the local system. */
export type FromDynamoDbService =
  | { type: 'listening'; url: string }
  | { type: 'record'; record: StreamRecord }
  | { type: 'drained'; id: number }
  | { type: 'stopped' };
/** What the local system asks of the DynamoDB service's thread. */
export type ToDynamoDbService = { type: 'drain'; id: number } | { type: 'stop' };
/** How the DynamoDB service's thread is started. */
export interface DynamoDbServiceOptions {
  /** The stream's endpoint (0: any free port). */
  port: number;
  /** dynalite's folder, or in memory when absent. */
  path?: string;
  tableName: string;
  region: string;
  account: string;
  /** The controllable clock's offset (ControllableClock.sharedOffset): the records' times are on it. */
  clockOffset: SharedArrayBuffer;
}

/**
 * The table, locally: DynamoDB (dynalite) and the capture of its stream run in a thread of their own,
 * as the service runs apart from the functions that call it on AWS, so the functions and the database
 * work at once, on both cores. This half, in the local system's thread, delivers the records the capture
 * makes to PublishMilestones, as Lambda's event source mapping would: in order, in batches; one it reports
 * failed (ReportBatchItemFailures) or that throws is retried from that record, and after `retryAttempts`
 * kept in `deadLetters`.
 *
 * Not reproduced: shards (every record is in one ordered queue, where AWS orders only each item's),
 * bisecting a failed batch, the 24-hour retention (records pending when the process dies are lost; a
 * stop waits for them), and writes made behind its back.
 */
export async function startLocalTableStream(options: {
  port: number;
  /** Keep the table's data on disk here; in memory when absent. */
  path?: string;
  tableName: string;
  region: string;
  account: string;
  clock: ControllableClock;
  retryIntervalMs: number;
  deliver(batch: { Records: StreamRecord[] }): Promise<BatchResponse>;
}): Promise<LocalTableStream> {
  const pending: StreamRecord[] = [];
  const deadLetters: StreamRecord[] = [];
  let delivering: Promise<void> | undefined;
  const service = new Worker(new URL('./dynamodb-worker.mjs', import.meta.url), {
    workerData: {
      port: options.port,
      ...(options.path ? { path: options.path } : {}),
      tableName: options.tableName,
      region: options.region,
      account: options.account,
      clockOffset: options.clock.sharedOffset,
    } satisfies DynamoDbServiceOptions,
  });
  const ask = (message: ToDynamoDbService) => service.postMessage(message);
  const answers = new Map<number, () => void>();
  let asked = 0;
  let stopped: (() => void) | undefined;
  const url = await new Promise<string>((listening, fail) => {
    service.once('error', fail);
    service.on('message', (message: FromDynamoDbService) => {
      if (message.type === 'listening') listening(message.url);
      else if (message.type === 'record') append(message.record);
      else if (message.type === 'drained') answers.get(message.id)?.();
      else stopped?.();
    });
  });

  async function deliverPending() {
    let attempts = 0;
    try {
      while (pending.length) {
        const batch = pending.slice(0, milestoneStream.batchSize);
        const failed = await options.deliver({ Records: batch }).then(
          ({ batchItemFailures }) => batchItemFailures[0]?.itemIdentifier,
          () => batch[0]?.dynamodb.SequenceNumber,
        );
        const index = batch.findIndex((r) => r.dynamodb.SequenceNumber === failed);
        // An identifier that names no record of the batch fails the whole batch, as on AWS.
        const done = failed === undefined ? batch.length : Math.max(index, 0);
        pending.splice(0, done);
        attempts = done > 0 ? 0 : attempts;
        if (failed === undefined) continue;
        if (++attempts > milestoneStream.retryAttempts) {
          deadLetters.push(...pending.splice(0, 1));
          attempts = 0;
        } else await sleep(options.retryIntervalMs);
      }
    } finally {
      delivering = undefined;
    }
  }

  function append(streamed: StreamRecord) {
    pending.push(streamed);
    delivering ??= deliverPending();
  }

  /** Every write the service has under way captured: its records arrive before its answer, in order. */
  const captured = () =>
    new Promise<void>((done) => {
      const id = ++asked;
      answers.set(id, () => {
        answers.delete(id);
        done();
      });
      ask({ type: 'drain', id });
    });
  /** Until a look finds nothing delivering: a delivery may itself write, and be captured. */
  const drained = async () => {
    for (let busy = true; busy; ) {
      await captured();
      busy = delivering !== undefined || pending.length > 0;
      while (delivering) await delivering;
    }
  };
  return {
    url,
    deadLetters,
    drained,
    async stop() {
      await drained();
      await new Promise<void>((done) => {
        stopped = done;
        ask({ type: 'stop' });
      });
      await service.terminate();
    },
  };
}
