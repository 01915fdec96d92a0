import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as EventBridge delivers it to a rule's target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A rule's event pattern, as CDK's `EventPattern` writes it (`detailType` for `detail-type`). */
export type EventPattern = Record<string, unknown>;

export interface LocalEventBus {
  url: string;
  busName: string;
  /** Every event put on the bus so far, oldest first; those matching `pattern` when given. */
  events(pattern?: EventPattern): BusEvent[];
  /** A rule: `target` gets each event put from now on that matches `pattern`. Returns its removal. */
  subscribe(pattern: EventPattern, target: (event: BusEvent) => void): () => void;
  stop(): Promise<void>;
}

/** PutEvents' own limits, so what AWS refuses is refused here too. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 262_144;

/** CDK's names for the top-level fields of an event pattern that EventBridge spells otherwise. */
const PATTERN_FIELD = { detailType: 'detail-type' } as Record<string, string>;

/**
 * Whether `value` (a field of the event, absent as undefined) matches one pattern field: a list of allowed
 * values or content filters (`prefix`, `exists`, `anything-but`), or an object of nested fields. Any other
 * filter is refused, so no test passes on a pattern EventBridge would read otherwise.
 */
function fieldMatches(rule: unknown, value: unknown): boolean {
  if (Array.isArray(rule)) {
    const values = Array.isArray(value) ? value : [value];
    return rule.some((allowed) => {
      if (allowed === null || typeof allowed !== 'object') return values.includes(allowed);
      const [[filter, argument]] = Object.entries(allowed) as [[string, unknown]];
      switch (filter) {
        case 'prefix':
          return values.some((v) => typeof v === 'string' && v.startsWith(String(argument)));
        case 'exists':
          return (value !== undefined) === argument;
        case 'anything-but':
          return value !== undefined && !values.some((v) => [argument].flat().includes(v));
        default:
          throw new Error(`Local EventBridge: the ${filter} filter is not implemented`);
      }
    });
  }
  if (rule !== null && typeof rule === 'object') {
    const nested = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    return Object.entries(rule).every(([field, inner]) => fieldMatches(inner, nested[field]));
  }
  throw new Error(
    `Local EventBridge: a pattern field must be a list or an object, not ${JSON.stringify(rule)}`,
  );
}

export function matches(pattern: EventPattern, event: BusEvent): boolean {
  return Object.entries(pattern).every(([field, rule]) =>
    fieldMatches(rule, (event as unknown as Record<string, unknown>)[PATTERN_FIELD[field] ?? field]),
  );
}

function reply(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number;
  Resources?: string[];
}

/** How PutEvents sizes an entry: its time, source, detail-type, detail and resources, in UTF-8 bytes. */
const entryBytes = (entry: PutEventsEntry) =>
  14 +
  [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce(
    (sum, text) => sum + Buffer.byteLength(text ?? ''),
    0,
  );

/**
 * Amazon EventBridge, locally, for one custom bus: PutEvents (the JSON protocol `@aws-sdk/client-eventbridge`
 * sends), checked as EventBridge checks it (at most ten entries and 256 KB a request; each entry on this
 * bus, with a source, a detail-type and a JSON object for detail, else refused on its own), kept in order,
 * and delivered to every rule whose pattern matches, as `infra/local/sns.ts` does for SNS. Delivery
 * finishes before PutEvents answers.
 */
export async function startLocalEventBus(options: {
  port: number;
  busName: string;
  region: string;
  account: string;
}): Promise<LocalEventBus> {
  const kept: BusEvent[] = [];
  const rules = new Set<{ pattern: EventPattern; target: (event: BusEvent) => void }>();

  function accept(entry: PutEventsEntry) {
    if ((entry.EventBusName ?? 'default') !== options.busName)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
      };
    if (!entry.Source || !entry.DetailType)
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source and DetailType are required.' };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail ?? '');
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: options.account,
      time: new Date(entry.Time ? entry.Time * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: options.region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    kept.push(event);
    for (const rule of rules) if (matches(rule.pattern, event)) rule.target(event);
    return { EventId: event.id };
  }

  async function putEvents(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = request.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents')
      return reply(response, 400, {
        __type: 'UnknownOperationException',
        message: `Not implemented locally: ${target}`,
      });
    const { Entries = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      Entries?: PutEventsEntry[];
    };
    if (Entries.length < 1 || Entries.length > MAX_ENTRIES)
      return reply(response, 400, {
        __type: 'ValidationException',
        message: `Entries must hold 1 to ${MAX_ENTRIES} entries`,
      });
    if (Entries.reduce((sum, entry) => sum + entryBytes(entry), 0) > MAX_REQUEST_BYTES)
      return reply(response, 400, {
        __type: 'ValidationException',
        message: 'Total size of the entries exceeds 256KB',
      });
    const results = Entries.map(accept);
    reply(response, 200, {
      FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
      Entries: results,
    });
  }

  const server = createServer((request, response) => {
    putEvents(request, response).catch((error: Error) =>
      reply(response, 500, { __type: 'InternalException', message: `Local EventBridge: ${error.message}` }),
    );
  });
  await new Promise<void>((done) => server.listen(options.port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    busName: options.busName,
    events: (pattern) => (pattern ? kept.filter((event) => matches(pattern, event)) : [...kept]),
    subscribe(pattern, target) {
      const rule = { pattern, target };
      rules.add(rule);
      return () => rules.delete(rule);
    },
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
