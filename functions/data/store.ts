/**
 * The accreditation table: one DynamoDB table, single-item conditional writes only (no transactions),
 * so every write is atomic on its own and safe to retry.
 *
 * | item        | PK                     | SK            | GSI1PK          | GSI1SK                 |
 * |-------------|------------------------|---------------|-----------------|------------------------|
 * | cohort      | COHORT#<cohortId>      | COHORT        | COHORTS         | COHORT#<cohortId>      |
 * | participant | PARTICIPANT#<id>       | PARTICIPANT   | COHORT#<id>     | PARTICIPANT#<id>       |
 * | request     | REQUEST#<requestId>    | REQUEST       | PARTICIPANT#<id>| REQUEST#<requestId>    |
 * | link        | LINK#<sha256(secret)>  | LINK          |                 |                        |
 * | certificate | CERTIFICATE#<code>     | CERTIFICATE   |                 |                        |
 * | directory   | DIRECTORY#<participant>| DIRECTORY     | DIRECTORY       | <name>#<participantId> |
 *
 * Access patterns: get cohort / participant / request / link by id (GetItem); a cohort's participants
 * and a participant's requests (Query GSI1); a participant by certificate verification code (GetItem on
 * the certificate item, then the participant); the public directory (Query GSI1); every cohort, for the
 * daily reconciler (Query GSI1). `ttl` lets DynamoDB
 * delete spent links and requests long after they expire; correctness never depends on it (expiry is
 * checked in code).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DirectoryEntry, mayBeListed } from '../domain/directory.js';
import { type Commitment, Participant, type Stage, type StepOutcome } from '../domain/participant.js';
import { Cohort, ScheduleEntry } from '../domain/programme.js';
import { Link, Request } from '../domain/request.js';
import { DAY, LondonLocalTime } from '../domain/time.js';

const keys = {
  cohort: (id: string) => ({ PK: `COHORT#${id}`, SK: 'COHORT' }),
  participant: (id: string) => ({ PK: `PARTICIPANT#${id}`, SK: 'PARTICIPANT' }),
  request: (id: string) => ({ PK: `REQUEST#${id}`, SK: 'REQUEST' }),
  link: (hash: string) => ({ PK: `LINK#${hash}`, SK: 'LINK' }),
  certificate: (code: string) => ({ PK: `CERTIFICATE#${code}`, SK: 'CERTIFICATE' }),
  directoryEntry: (participantId: string) => ({ PK: `DIRECTORY#${participantId}`, SK: 'DIRECTORY' }),
};

/** Spent asks are kept for a year after expiry for the record, then DynamoDB may remove them. */
const ttlAfter = (iso: string) => Math.floor((new Date(iso).getTime() + 365 * DAY) / 1000);

/** A participant still on the programme: their record takes answers (a withdrawn one takes none). */
const ON_THE_PROGRAMME = 'attribute_exists(PK) AND attribute_not_exists(withdrawal)';

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

  /** Parsed on write, so no caller can store a schedule with a time that names no moment in London. */
  async createCohort(cohort: Cohort): Promise<boolean> {
    return this.create({
      ...keys.cohort(cohort.cohortId),
      GSI1PK: 'COHORTS',
      GSI1SK: `COHORT#${cohort.cohortId}`,
      type: 'cohort',
      ...Cohort.parse(cohort),
    });
  }

  /** Every cohort (Query on GSI1, so no Scan): with cohortParticipants, everyone enrolled. */
  async listCohorts(): Promise<Cohort[]> {
    return (await this.queryGsi1('COHORTS', 'COHORT#')).map((item) => Cohort.parse(withoutKeys(item)));
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
    return this.setOnce(participantId, 'commitment', commitment);
  }

  /**
   * Sets a participant's attribute if it has none yet: false (and nothing written) if it has, or if the
   * participant has been withdrawn (nothing more is recorded for them).
   */
  private setOnce(participantId: string, attribute: 'commitment' | 'accreditation', value: unknown) {
    return this.update(
      keys.participant(participantId),
      'SET #attribute = :value',
      `${ON_THE_PROGRAMME} AND attribute_not_exists(#attribute)`,
      { ':value': value },
      { '#attribute': attribute },
    );
  }

  setStage(participantId: string, stage: Stage): Promise<boolean> {
    return this.update(keys.participant(participantId), 'SET stage = :stage', 'attribute_exists(PK)', {
      ':stage': stage,
    });
  }

  /**
   * A lapsed accreditation restored by the programme team: accredited again, the lapse moved into the
   * record's reinstatements (so what happened stays on it), the execution to carry on named, and a waiting
   * execution told. Once only per lapse.
   */
  reinstate(
    participantId: string,
    reinstatement: { reason: string; at: string; lapse: unknown },
    execution: NonNullable<Participant['execution']>,
  ) {
    return this.update(
      keys.participant(participantId),
      'SET stage = :accredited, reinstatements = list_append(if_not_exists(reinstatements, :none), :this), execution = :execution, revision = revision + :one REMOVE lapse',
      'attribute_exists(lapse)',
      {
        ':accredited': 'accredited',
        ':none': [],
        ':this': [reinstatement],
        ':execution': execution,
        ':one': 1,
      },
    );
  }

  /**
   * Names the execution that carries the participant on, before it is started (intent first): a failed
   * start leaves the name to start again, and a stranded participant is found by describing it.
   */
  recordExecution(participantId: string, execution: NonNullable<Participant['execution']>) {
    return this.update(
      keys.participant(participantId),
      'SET execution = :execution',
      'attribute_exists(PK)',
      {
        ':execution': execution,
      },
    );
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

  /** Everyone enrolled in a cohort (Query on GSI1), for the cohort-wide attendance form and date changes. */
  async cohortParticipants(cohortId: string): Promise<Participant[]> {
    const items = await this.queryGsi1(`COHORT#${cohortId}`, 'PARTICIPANT#');
    const found: Participant[] = [];
    // GSI reads are eventually consistent: read each record itself before acting on it.
    for (const item of items) {
      const participant = await this.getParticipant(String(item.participantId));
      if (participant?.cohortId === cohortId) found.push(participant);
    }
    return found;
  }

  /** Every item under one GSI1 partition (and sort-key prefix), page by page. */
  private async queryGsi1(partition: string, sortKeyPrefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: sortKeyPrefix
            ? 'GSI1PK = :partition AND begins_with(GSI1SK, :prefix)'
            : 'GSI1PK = :partition',
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

  /**
   * Records a step's outcome once (the first answer wins) and bumps the revision so a waiting
   * execution notices. `replace` lets a resubmission overwrite the previous attempt. A withdrawn
   * participant's record takes no more outcomes: false, and nothing written.
   */
  recordStepOutcome(
    participantId: string,
    stepId: string,
    outcome: StepOutcome,
    replace?: { attemptBelow: number },
  ): Promise<boolean> {
    const condition = replace
      ? `${ON_THE_PROGRAMME} AND (attribute_not_exists(progress.#step) OR progress.#step.attempt < :attempt)`
      : `${ON_THE_PROGRAMME} AND attribute_not_exists(progress.#step)`;
    return this.update(
      keys.participant(participantId),
      'SET progress.#step = :outcome, revision = revision + :one',
      condition,
      { ':outcome': outcome, ':one': 1, ...(replace ? { ':attempt': replace.attemptBelow } : {}) },
      { '#step': stepId },
    );
  }

  /**
   * A change a waiting execution must react to: bumps the revision (and applies `set`, if any). A change
   * that ends an accreditation's currency (a lapse, a withdrawal) then takes the directory entry down:
   * with `saveDirectoryEntry`'s look after writing, no entry outlives it, whatever order callers use.
   */
  async changeParticipant(
    participantId: string,
    set: Record<string, unknown> = {},
    condition = 'attribute_exists(PK)',
  ): Promise<boolean> {
    const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#f${i}`, k]));
    const values = Object.fromEntries(Object.values(set).map((v, i) => [`:v${i}`, v]));
    const assignments = Object.keys(set).map((_, i) => `#f${i} = :v${i}`);
    const changed = await this.update(
      keys.participant(participantId),
      `SET ${[...assignments, 'revision = revision + :one'].join(', ')}`,
      condition,
      { ...values, ':one': 1 },
      Object.keys(names).length ? names : undefined,
    );
    if (changed && ('lapse' in set || 'withdrawal' in set)) await this.removeDirectoryEntry(participantId);
    return changed;
  }

  /** Grants an extension: this participant's deadline for the step, as a London time (refused if not one). */
  async setDeadline(participantId: string, stepId: string, localTime: string): Promise<boolean> {
    return this.update(
      keys.participant(participantId),
      'SET deadlines.#step = :at, revision = revision + :one',
      'attribute_exists(PK)',
      { ':at': LondonLocalTime.parse(localTime), ':one': 1 },
      { '#step': stepId },
    );
  }

  /**
   * Parks the execution's token on the participant, but only if nothing changed since the step that
   * decided to wait read the record; false means "look again now".
   */
  saveWaitToken(participantId: string, taskToken: string, revision: number): Promise<boolean> {
    return this.update(keys.participant(participantId), 'SET waitToken = :token', 'revision = :revision', {
      ':token': taskToken,
      ':revision': revision,
    });
  }

  /**
   * Moves a deferred participant into a later cohort, naming the execution that carries them on there.
   * What they completed stays in `progress`; days they missed are cleared, so the later cohort's days are
   * theirs to attend, and so are extensions of deadlines still to meet (they were to the old cohort's dates).
   */
  moveToCohort(
    participant: Participant,
    toCohortId: string,
    reason: string,
    at: Date,
    execution: NonNullable<Participant['execution']>,
  ): Promise<boolean> {
    const missed = Object.entries(participant.progress)
      .filter(([, outcome]) => outcome.outcome === 'absent')
      .map(([stepId]): [string, string] => ['progress', stepId]);
    const extended = Object.keys(participant.deadlines)
      .filter((stepId) => !participant.progress[stepId])
      .map((stepId): [string, string] => ['deadlines', stepId]);
    const cleared = [...missed, ...extended];
    const names = Object.fromEntries(cleared.map(([, stepId], i) => [`#step${i}`, stepId]));
    const removals = cleared.map(([map], i) => `${map}.#step${i}`);
    return this.update(
      keys.participant(participant.participantId),
      'SET cohortId = :to, GSI1PK = :gsi, deferrals = list_append(deferrals, :deferral), execution = :execution, revision = revision + :one' +
        (removals.length ? ` REMOVE ${removals.join(', ')}` : ''),
      'cohortId = :from',
      {
        ':to': toCohortId,
        ':from': participant.cohortId,
        ':gsi': `COHORT#${toCohortId}`,
        ':deferral': [{ fromCohortId: participant.cohortId, reason, at: at.toISOString() }],
        ':execution': execution,
        ':one': 1,
      },
      removals.length ? names : undefined,
    );
  }

  /** A moved day or deadline, parsed on write like a new cohort's schedule. */
  async updateCohortSchedule(
    cohortId: string,
    stepId: string,
    entry: Cohort['schedule'][string],
  ): Promise<boolean> {
    return this.update(
      keys.cohort(cohortId),
      'SET schedule.#step = :entry',
      'attribute_exists(PK)',
      { ':entry': ScheduleEntry.parse(entry) },
      { '#step': stepId },
    );
  }

  createRequest(request: Request): Promise<boolean> {
    return this.create({
      ...keys.request(request.requestId),
      GSI1PK: request.participantId ? `PARTICIPANT#${request.participantId}` : `COHORT#${request.cohortId}`,
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

  /**
   * An open ask to be made again at once (its recipient's address was corrected): the next chase sends
   * it afresh with a new link; its deadline and the reminders already sent stay as they were.
   */
  askAgain(requestId: string): Promise<boolean> {
    return this.update(
      keys.request(requestId),
      'REMOVE invitedAt',
      '#status = :open',
      { ':open': 'open' },
      {
        '#status': 'status',
      },
    );
  }

  /** A participant's own requests (their commitment and their asks), each read itself, consistently. */
  async participantRequests(participantId: string): Promise<Request[]> {
    const items = await this.queryGsi1(`PARTICIPANT#${participantId}`, 'REQUEST#');
    const found: Request[] = [];
    for (const item of items) {
      const request = await this.getRequest(String(item.requestId));
      if (request) found.push(request);
    }
    return found;
  }

  /** Records that the admin was told an ask is past its due date, once. */
  markOverdueReported(requestId: string, at: Date): Promise<boolean> {
    return this.update(
      keys.request(requestId),
      'SET overdueReportedAt = :at',
      'attribute_not_exists(overdueReportedAt)',
      { ':at': at.toISOString() },
    );
  }

  /**
   * Counts reminders up to `number` (1-based) as sent, once: from `previous`, the count it was read at
   * (earlier ones are skipped when a later one, or the ask itself, covers them).
   */
  markReminderSent(requestId: string, number: number, previous = number - 1): Promise<boolean> {
    return this.update(keys.request(requestId), 'SET remindersSent = :n', 'remindersSent = :previous', {
      ':n': number,
      ':previous': previous,
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
   * running at that instant); undefined if it was already answered or had expired, or is about a
   * participant who has been withdrawn. (That last is a look before the write: the participant's own
   * record refuses their outcomes atomically, see `recordStepOutcome`.)
   */
  async answerRequest(
    requestId: string,
    answer: NonNullable<Request['answer']>,
    now: Date,
  ): Promise<Request | undefined> {
    const about = (await this.getRequest(requestId))?.participantId;
    if (about && (await this.getParticipant(about))?.withdrawal) return undefined;
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

  /**
   * A new deadline for an unanswered request (an extension, or a moved date): open again, reminders
   * counted afresh from now, and a new ask due. Answered requests stay answered.
   */
  reopenRequest(
    requestId: string,
    expiresAt: Date,
    reminderAfterDays: number[],
    now: Date,
  ): Promise<boolean> {
    return this.update(
      keys.request(requestId),
      'SET #status = :open, expiresAt = :expiresAt, reminderAfterDays = :reminders, remindersSent = :zero, createdAt = :now REMOVE invitedAt',
      '#status <> :answered',
      {
        ':open': 'open',
        ':answered': 'answered',
        ':expiresAt': expiresAt.toISOString(),
        ':reminders': reminderAfterDays,
        ':zero': 0,
        ':now': now.toISOString(),
      },
      { '#status': 'status' },
    );
  }

  /** Accreditation is recorded once, with the verification code printed on the certificate. */
  recordAccreditation(participantId: string, accreditation: NonNullable<Participant['accreditation']>) {
    return this.setOnce(participantId, 'accreditation', accreditation);
  }

  /**
   * Makes a certificate findable by its verification code, once; false if it already was. The participant
   * record stays the truth: `participantByCertificate` checks the code on it.
   */
  recordCertificate(verificationCode: string, participantId: string): Promise<boolean> {
    return this.create({ ...keys.certificate(verificationCode), type: 'certificate', participantId });
  }

  /** The accredited participant a verification code belongs to, if any. */
  async participantByCertificate(verificationCode: string): Promise<Participant | undefined> {
    const certificate = await this.get(keys.certificate(verificationCode));
    if (typeof certificate?.participantId !== 'string') return undefined;
    const participant = await this.getParticipant(certificate.participantId);
    return participant?.accreditation?.verificationCode === verificationCode ? participant : undefined;
  }

  /** Mirrors the lead's directory choice on their accreditation, for the programme team. */
  setListedInDirectory(participantId: string, listed: boolean): Promise<boolean> {
    return this.update(
      keys.participant(participantId),
      'SET accreditation.listedInDirectory = :listed',
      listed
        ? 'attribute_exists(accreditation) AND attribute_not_exists(lapse) AND attribute_not_exists(withdrawal)'
        : 'attribute_exists(accreditation)',
      { ':listed': listed },
    );
  }

  /**
   * The lead may change their entry whenever they like, so the latest save wins; but only while their
   * accreditation is current (false, and nothing listed, otherwise). DynamoDB could check the participant
   * in a transaction, but the local runtime's dynalite has no TransactWriteItems, so the record is read
   * before and after the write: a lapse or withdrawal recorded meanwhile takes the entry down again here,
   * or (recorded after that second look) in `changeParticipant`.
   */
  async saveDirectoryEntry(entry: DirectoryEntry): Promise<boolean> {
    const current = async () => mayBeListed(await this.getParticipant(entry.participantId));
    if (!(await current())) return false;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.directoryEntry(entry.participantId),
          GSI1PK: 'DIRECTORY',
          GSI1SK: `${entry.displayName.toLocaleLowerCase('en-GB')}#${entry.participantId}`,
          type: 'directory-entry',
          ...entry,
        },
      }),
    );
    if (await current()) return true;
    await this.removeDirectoryEntry(entry.participantId);
    return false;
  }

  async getDirectoryEntry(participantId: string): Promise<DirectoryEntry | undefined> {
    const item = await this.get(keys.directoryEntry(participantId));
    return item && DirectoryEntry.parse(item);
  }

  async removeDirectoryEntry(participantId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.directoryEntry(participantId) }),
    );
  }

  /**
   * Everyone listed in the public directory, in name order (Query on GSI1). Eventually consistent: a
   * change may take a moment to show, which is fine for a public listing.
   */
  async directoryEntries(): Promise<DirectoryEntry[]> {
    return (await this.queryGsi1('DIRECTORY')).map((item) => DirectoryEntry.parse(withoutKeys(item)));
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
