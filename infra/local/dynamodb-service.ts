/**
 * The DynamoDB service's thread (started by ./table-stream.ts): dynalite and the capture of the table's
 * stream in front of it, answering the SDK clients over HTTP while the functions run on the other core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { sharedClock } from './clock.js';
import { inProcessHttp } from './in-process-http.js';
import {
  captureTableWrites,
  type DynamoDbServiceOptions,
  type FromDynamoDbService,
  type ToDynamoDbService,
} from './table-stream.js';

// dynalite's in-memory store keeps every key and item as a small Buffer, and a small Buffer is a slice of
// an 8 KB slab shared with the requests' short-lived ones: each item kept would keep its whole slab, so the
// table would take megabytes per participant. Each Buffer gets memory of its own size instead.
Buffer.poolSize = 0;

const options = workerData as DynamoDbServiceOptions;
const port = parentPort;
if (!port) throw new Error('The DynamoDB service runs in a worker thread');
const tell = (message: FromDynamoDbService) => port.postMessage(message);

const database = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(options.path ? { path: options.path } : {}),
});
// Listening only so that closing it closes its store: every request reaches it through the capture.
await new Promise<void>((done) => database.listen(0, '127.0.0.1', done));
const capture = await captureTableWrites({
  port: options.port,
  dynamodb: inProcessHttp(database),
  tableName: options.tableName,
  region: options.region,
  account: options.account,
  clock: sharedClock(options.clockOffset),
  append: (record) => tell({ type: 'record', record }),
});
port.on('message', async (message: ToDynamoDbService) => {
  if (message.type === 'drain') {
    await capture.drained();
    return tell({ type: 'drained', id: message.id });
  }
  await capture.stop();
  await new Promise((done) => database.close(done));
  tell({ type: 'stopped' });
});
tell({ type: 'listening', url: capture.url });
