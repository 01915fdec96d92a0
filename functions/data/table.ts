/**
 * The accreditation table: one DynamoDB table, single-item conditional writes only (no transactions),
 * so every write is atomic on its own and safe to retry; reads of several items at once are one
 * BatchGetItem (`getMany`). One file per kind of item holds its reads and
 * writes (`cohorts.ts`, `participants.ts`, `requests.ts`, `links.ts`, `certificates.ts`, `directory.ts`);
 * `store.ts` puts them together.
 *
 * | item        | PK                     | SK            | GSI1PK          | GSI1SK                 |
 * |-------------|------------------------|---------------|-----------------|------------------------|
 * | cohort      | COHORT#<cohortId>      | COHORT        | COHORTS         | COHORT#<cohortId>      |
 * | participant | PARTICIPANT#<id>       | PARTICIPANT   | COHORT#<id>     | PARTICIPANT#<id>       |
 * | request     | REQUEST#<requestId>    | REQUEST       | PARTICIPANT#<id>| REQUEST#<requestId>    |
 * | link        | LINK#<sha256(secret)>  | LINK          | REQUEST#<id>    | LINK#<sha256(secret)>  |
 * | certificate | CERTIFICATE#<code>     | CERTIFICATE   |                 |                        |
 * | directory   | DIRECTORY#<participant>| DIRECTORY     | DIRECTORY       | <name>#<participantId> |
 * | waiting-list entry | WAITLIST#<entryId> | WAITLIST | WAITLIST#<programme>#<pathway> | <joinedAt>#<entryId> |
 * | cohort invitations | INVITATIONS#<cohortId> | INVITATIONS | INVITATIONS#<programme>#<pathway> | <cohortId> |
 * | application | APPLICATION#<applicationId> | APPLICATION | APPLICATIONS#<cohortId> | <sentAt>#<applicationId> |
 *
 * Participants also carry GSI2 once the lifecycle has recorded whom they wait on (`waiting`):
 * GSI2PK `STAGE#<stage>`, GSI2SK `HUB#<Maths Hub, URI-encoded>#<next deadline or ~>#<participantId>`.
 * It projects only what a status row shows (participantId, person, cohortId, stage, waiting), so the
 * frequent writes of a participant's answers and notes do not copy the whole record into it.
 *
 * Access patterns: get cohort / participant / request / link by id (GetItem); a cohort's participants
 * and a participant's requests (Query GSI1); a participant by certificate verification code (GetItem on
 * the certificate item, then the participant); the public directory (Query GSI1); every cohort, for the
 * daily reconciler (Query GSI1); a request's links, to export or erase a person's data (Query GSI1); who waits on whom by stage, by stage and Maths Hub (Query GSI2, the hub
 * a sort-key prefix; due soonest first), and by Maths Hub alone (one Query per stage); a pathway's waiting
 * list in the order people joined (Query GSI1; an unconfirmed registration is not in it) and the cohorts inviting from it (Query GSI1); a cohort's
 * confirmed applications (Query GSI1). `ttl` lets DynamoDB
 * delete spent links and requests long after they expire; correctness never depends on it (expiry is
 * checked in code).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DAY } from '../domain/time.js';

export const keys = {
  cohort: (id: string) => ({ PK: `COHORT#${id}`, SK: 'COHORT' }),
  participant: (id: string) => ({ PK: `PARTICIPANT#${id}`, SK: 'PARTICIPANT' }),
  request: (id: string) => ({ PK: `REQUEST#${id}`, SK: 'REQUEST' }),
  link: (hash: string) => ({ PK: `LINK#${hash}`, SK: 'LINK' }),
  certificate: (code: string) => ({ PK: `CERTIFICATE#${code}`, SK: 'CERTIFICATE' }),
  directoryEntry: (participantId: string) => ({ PK: `DIRECTORY#${participantId}`, SK: 'DIRECTORY' }),
  waitingListEntry: (entryId: string) => ({ PK: `WAITLIST#${entryId}`, SK: 'WAITLIST' }),
  cohortInvitations: (cohortId: string) => ({ PK: `INVITATIONS#${cohortId}`, SK: 'INVITATIONS' }),
  application: (applicationId: string) => ({ PK: `APPLICATION#${applicationId}`, SK: 'APPLICATION' }),
};

/** GSI2, who waits on whom: a stage's participants, by Maths Hub, due soonest first (none due: last). */
const hubPrefix = (mathsHub: string) => `HUB#${encodeURIComponent(mathsHub)}#`;
export const statusIndex = {
  partition: (stage: string) => `STAGE#${stage}`,
  hubPrefix,
  sortKey: (mathsHub: string, nextDeadline: string | undefined, participantId: string) =>
    `${hubPrefix(mathsHub)}${nextDeadline ?? '~'}#${participantId}`,
};

type Key = Record<string, string>;

/** The most keys one BatchGetItem may ask for. */
const BATCH_GET_LIMIT = 100;
/** How often keys DynamoDB left unprocessed are asked for again before giving up. */
const UNPROCESSED_ATTEMPTS = 4;
export type Item = Record<string, unknown>;

/** Spent asks are kept for a year after expiry for the record, then DynamoDB may remove them. */
export const ttlAfter = (iso: string) => Math.floor((new Date(iso).getTime() + 365 * DAY) / 1000);

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'type', 'ttl'];
export function withoutKeys(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.includes(k)));
}

/** The table's few ways of reading and writing, shared by every kind of item. */
export class Table {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(key: Key): Promise<Item | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item && withoutKeys(Item);
  }

  /**
   * Several items by key in one call (BatchGetItem, consistent), in the order asked; undefined where there
   * is none: how a step reads its record, cohort and open asks at once. Keys DynamoDB leaves unprocessed
   * (throttling) are asked for again after a jittered pause, a few times, then it fails (and the task's
   * Retry takes over).
   */
  async getMany(keys: Key[]): Promise<(Item | undefined)[]> {
    const idOf = (key: Item) => `${key.PK}\u0000${key.SK}`;
    const found = new Map<string, Item>();
    let pending = [...new Map(keys.map((key) => [idOf(key), key])).values()];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > UNPROCESSED_ATTEMPTS) throw new Error('DynamoDB left keys unprocessed: try again');
        await new Promise((wait) => setTimeout(wait, Math.random() * 50 * 2 ** attempt));
      }
      const batch = pending.slice(0, BATCH_GET_LIMIT);
      const { Responses, UnprocessedKeys } = await this.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: batch, ConsistentRead: true } },
        }),
      );
      for (const item of Responses?.[this.tableName] ?? []) found.set(idOf(item), withoutKeys(item));
      pending = [...(UnprocessedKeys?.[this.tableName]?.Keys ?? []), ...pending.slice(BATCH_GET_LIMIT)];
    }
    return keys.map((key) => found.get(idOf(key)));
  }

  /** Put only if absent. Returns false when the item already exists. */
  create(item: Item): Promise<boolean> {
    return this.conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  /** Put whatever is there (the latest write wins). */
  async put(item: Item): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Put if `condition` holds of what is there (or of nothing); false when it does not. */
  putIf(item: Item, condition: string, values: Record<string, unknown>, names?: Record<string, string>) {
    return this.conditionally(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      ),
    );
  }

  async delete(key: Key): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
  }

  /** Runs a conditional write: false when its condition failed, any other error thrown. */
  async conditionally(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      )
        return false;
      throw error;
    }
  }

  update(
    key: Key,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<boolean> {
    return this.conditionally(() =>
      this.doc.send(new UpdateCommand(this.updateInput(key, update, condition, values, names))),
    );
  }

  /** A conditional update returning the item as written; undefined when its condition failed. */
  async updateReturning(
    key: Key,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<Item | undefined> {
    let written: Item | undefined;
    await this.conditionally(async () => {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          ...this.updateInput(key, update, condition, values, names),
          ReturnValues: 'ALL_NEW',
        }),
      );
      written = withoutKeys(Attributes ?? {});
    });
    return written;
  }

  private updateInput(
    key: Key,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): UpdateCommandInput {
    return {
      TableName: this.tableName,
      Key: key,
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      ...(names ? { ExpressionAttributeNames: names } : {}),
    };
  }

  /** Every item under one GSI1 partition (and sort-key prefix), page by page. Eventually consistent. */
  queryGsi1(partition: string, sortKeyPrefix?: string): Promise<Item[]> {
    return this.queryIndex('GSI1', partition, sortKeyPrefix);
  }

  /** Every item under one GSI2 partition (and sort-key prefix), page by page. Eventually consistent. */
  queryGsi2(partition: string, sortKeyPrefix?: string): Promise<Item[]> {
    return this.queryIndex('GSI2', partition, sortKeyPrefix);
  }

  private async queryIndex(index: 'GSI1' | 'GSI2', partition: string, sortKeyPrefix?: string) {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: sortKeyPrefix
            ? `${index}PK = :partition AND begins_with(${index}SK, :prefix)`
            : `${index}PK = :partition`,
          ExpressionAttributeValues: {
            ':partition': partition,
            ...(sortKeyPrefix ? { ':prefix': sortKeyPrefix } : {}),
          },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
