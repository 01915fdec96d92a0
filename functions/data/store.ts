/**
 * The accreditation table: one DynamoDB table, single-item conditional writes only (no transactions),
 * so every write is atomic on its own and safe to retry.
 *
 * | item        | PK                     | SK            | GSI1PK          | GSI1SK                 |
 * |-------------|------------------------|---------------|-----------------|------------------------|
 * | cohort      | COHORT#<cohortId>      | COHORT        |                 |                        |
 * | participant | PARTICIPANT#<id>       | PARTICIPANT   | COHORT#<id>     | PARTICIPANT#<id>       |
 * | request     | REQUEST#<requestId>    | REQUEST       | PARTICIPANT#<id>| REQUEST#<requestId>    |
 * | link        | LINK#<sha256(secret)>  | LINK          |                 |                        |
 *
 * Access patterns: get cohort / participant / request / link by id (GetItem); a cohort's participants
 * and a participant's requests (Query GSI1). `ttl` lets DynamoDB delete spent links and requests long
 * after they expire; correctness never depends on it (expiry is checked in code).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Commitment, Participant, type Stage } from '../domain/participant.js';
import { Cohort } from '../domain/programme.js';
import { Link, Request } from '../domain/request.js';
import { DAY } from '../domain/time.js';

const keys = {
  cohort: (id: string) => ({ PK: `COHORT#${id}`, SK: 'COHORT' }),
  participant: (id: string) => ({ PK: `PARTICIPANT#${id}`, SK: 'PARTICIPANT' }),
  request: (id: string) => ({ PK: `REQUEST#${id}`, SK: 'REQUEST' }),
  link: (hash: string) => ({ PK: `LINK#${hash}`, SK: 'LINK' }),
};

/** Spent asks are kept for a year after expiry for the record, then DynamoDB may remove them. */
const ttlAfter = (iso: string) => Math.floor((new Date(iso).getTime() + 365 * DAY) / 1000);

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'type', 'ttl'];
function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.includes(k)));
}

export class AccreditationStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async get(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item && withoutKeys(Item);
  }

  /** Put only if absent. Returns false when the item already exists. */
  private async create(item: Record<string, unknown>): Promise<boolean> {
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

  private async conditionally(write: () => Promise<unknown>): Promise<boolean> {
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

  private update(
    key: Record<string, string>,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<boolean> {
    return this.conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      ),
    );
  }

  createCohort(cohort: Cohort): Promise<boolean> {
    return this.create({ ...keys.cohort(cohort.cohortId), type: 'cohort', ...cohort });
  }

  async getCohort(cohortId: string): Promise<Cohort | undefined> {
    const item = await this.get(keys.cohort(cohortId));
    return item && Cohort.parse(item);
  }

  createParticipant(participant: Participant): Promise<boolean> {
    return this.create({
      ...keys.participant(participant.participantId),
      GSI1PK: `COHORT#${participant.cohortId}`,
      GSI1SK: `PARTICIPANT#${participant.participantId}`,
      type: 'participant',
      ...participant,
    });
  }

  async getParticipant(participantId: string): Promise<Participant | undefined> {
    const item = await this.get(keys.participant(participantId));
    return item && Participant.parse(item);
  }

  /** The participant record is the truth: the first answer recorded wins, later ones are refused. */
  recordCommitment(participantId: string, commitment: Commitment): Promise<boolean> {
    return this.update(
      keys.participant(participantId),
      'SET commitment = :commitment',
      'attribute_exists(PK) AND attribute_not_exists(commitment)',
      { ':commitment': commitment },
    );
  }

  setStage(participantId: string, stage: Stage): Promise<boolean> {
    return this.update(keys.participant(participantId), 'SET stage = :stage', 'attribute_exists(PK)', {
      ':stage': stage,
    });
  }

  /** Records that an outcome email went out; false if it already had (so the caller sends nothing). */
  markNotified(participantId: string, outcome: string, at: Date): Promise<boolean> {
    return this.update(
      keys.participant(participantId),
      'SET notified.#outcome = :at',
      'attribute_exists(PK) AND attribute_not_exists(notified.#outcome)',
      { ':at': at.toISOString() },
      { '#outcome': outcome },
    );
  }

  createRequest(request: Request): Promise<boolean> {
    return this.create({
      ...keys.request(request.requestId),
      GSI1PK: `PARTICIPANT#${request.participantId}`,
      GSI1SK: `REQUEST#${request.requestId}`,
      type: 'request',
      ttl: ttlAfter(request.expiresAt),
      ...request,
    });
  }

  async getRequest(requestId: string): Promise<Request | undefined> {
    const item = await this.get(keys.request(requestId));
    return item && Request.parse(item);
  }

  markInvited(requestId: string, at: Date): Promise<boolean> {
    return this.update(keys.request(requestId), 'SET invitedAt = :at', 'attribute_not_exists(invitedAt)', {
      ':at': at.toISOString(),
    });
  }

  /** Counts reminder `number` (1-based) as sent, once. */
  markReminderSent(requestId: string, number: number): Promise<boolean> {
    return this.update(keys.request(requestId), 'SET remindersSent = :n', 'remindersSent = :previous', {
      ':n': number,
      ':previous': number - 1,
    });
  }

  /** Only an open request can be waited on; the token is overwritten by each new wait. */
  saveTaskToken(requestId: string, taskToken: string): Promise<boolean> {
    return this.update(
      keys.request(requestId),
      'SET taskToken = :token',
      '#status = :open',
      {
        ':token': taskToken,
        ':open': 'open',
      },
      { '#status': 'status' },
    );
  }

  /**
   * Answers an open, unexpired request, returning it as answered (with the token of whichever wait is
   * running at that instant); undefined if it was already answered or had expired.
   */
  async answerRequest(requestId: string, answer: Commitment, now: Date): Promise<Request | undefined> {
    let answered: Request | undefined;
    await this.conditionally(async () => {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.request(requestId),
          UpdateExpression: 'SET #status = :answered, answer = :answer',
          ConditionExpression: '#status = :open AND expiresAt > :now',
          ExpressionAttributeValues: {
            ':answered': 'answered',
            ':answer': answer,
            ':open': 'open',
            ':now': now.toISOString(),
          },
          ExpressionAttributeNames: { '#status': 'status' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      answered = Request.parse(withoutKeys(Attributes ?? {}));
    });
    return answered;
  }

  expireRequest(requestId: string): Promise<boolean> {
    return this.update(
      keys.request(requestId),
      'SET #status = :expired',
      '#status = :open',
      {
        ':expired': 'expired',
        ':open': 'open',
      },
      { '#status': 'status' },
    );
  }

  createLink(link: Link): Promise<boolean> {
    return this.create({ ...keys.link(link.linkHash), type: 'link', ttl: ttlAfter(link.expiresAt), ...link });
  }

  async getLink(linkHash: string): Promise<Link | undefined> {
    const item = await this.get(keys.link(linkHash));
    return item && Link.parse(item);
  }
}
