import type { Participant } from '../domain/participant.js';
import { type ReplayPage, Request, type RequestLink } from '../domain/request.js';
import type { ParticipantItems } from './participants.js';
import { keys, type Table, ttlAfter } from './table.js';

/** Adds `:link` to the links a request keeps (requests stored before links were kept there have none). */
const KEEP_LINK = 'links = list_append(if_not_exists(links, :none), :link)';
/** Adds `:key` to the keys of the posts noted on a request. */
const NOTE_REPLAY = 'replays = list_append(if_not_exists(replays, :none), :key)';
/** The same, and keeps that post's page (`:page`). */
const KEEP_REPLAY = `${NOTE_REPLAY}, replayPage = :page`;

/** Requests: the asks the system makes of someone (commitment, attendance, task, feedback, …). */
export class RequestItems {
  constructor(
    private readonly table: Table,
    private readonly participants: Pick<ParticipantItems, 'get'>,
  ) {}

  create(request: Request): Promise<boolean> {
    return this.table.create({
      ...keys.request(request.requestId),
      GSI1PK: request.participantId ? `PARTICIPANT#${request.participantId}` : `COHORT#${request.cohortId}`,
      GSI1SK: `REQUEST#${request.requestId}`,
      type: 'request',
      ttl: ttlAfter(request.expiresAt),
      ...request,
    });
  }

  async get(requestId: string): Promise<Request | undefined> {
    const item = await this.table.get(keys.request(requestId));
    return item && Request.parse(item);
  }

  /**
   * Claims the email that asks now, before it is sent: the ask itself (`invitedAt`, on a request not yet
   * asked) or a reminder, either counting reminders up to `remindersSent` (earlier ones are skipped when
   * a later one, or the ask itself, covers them). Only on the request as it was read: still open, with
   * the same deadline, asked and reminded as then; false (send nothing) if anything moved meanwhile. The
   * email's `link` is kept by the same write.
   */
  claimAsk(request: Request, remindersSent: number, at: Date, link: RequestLink): Promise<boolean> {
    const asking = !request.invitedAt;
    return this.table.update(
      keys.request(request.requestId),
      `SET remindersSent = :sent${asking ? ', invitedAt = :at' : ''}, ${KEEP_LINK}`,
      `#status = :open AND expiresAt = :expiresAt AND remindersSent = :previous AND ${asking ? 'attribute_not_exists(invitedAt)' : 'invitedAt = :invitedAt'}`,
      {
        ':sent': remindersSent,
        ':previous': request.remindersSent,
        ':open': 'open',
        ':expiresAt': request.expiresAt,
        ':none': [],
        ':link': [link],
        ...(asking ? { ':at': at.toISOString() } : { ':invitedAt': request.invitedAt }),
      },
      { '#status': 'status' },
    );
  }

  /**
   * Takes back `claimAsk` (its email failed to go): the request as it was read, so the retry asks again.
   * The link the claim kept stays: its secret was never sent, so nobody can follow it, and a link kept
   * but never emailed is what every failed send leaves (its request is found by no email).
   */
  releaseAsk(request: Request, remindersSent: number, at: Date): Promise<boolean> {
    const asking = !request.invitedAt;
    return this.table.update(
      keys.request(request.requestId),
      `SET remindersSent = :previous${asking ? ' REMOVE invitedAt' : ''}`,
      `remindersSent = :sent AND invitedAt = :invitedAt`,
      {
        ':sent': remindersSent,
        ':previous': request.remindersSent,
        ':invitedAt': request.invitedAt ?? at.toISOString(),
      },
    );
  }

  /** Keeps one more link to an existing request (one not emailed by a chase: the directory entry's). */
  keepLink(requestId: string, link: RequestLink): Promise<boolean> {
    return this.table.update(keys.request(requestId), `SET ${KEEP_LINK}`, 'attribute_exists(PK)', {
      ':none': [],
      ':link': [link],
    });
  }

  /**
   * An open ask to be made again at once (its recipient's address was corrected): the next chase sends
   * it afresh with a new link; its deadline and the reminders already sent stay as they were.
   */
  askAgain(requestId: string): Promise<boolean> {
    return this.table.update(
      keys.request(requestId),
      'REMOVE invitedAt',
      '#status = :open',
      { ':open': 'open' },
      {
        '#status': 'status',
      },
    );
  }

  /**
   * An open ask sent again as it is, at the admin's word (`resend-link`): the next chase emails it afresh
   * with a new link, counted so the email is a new one rather than the first one's replay.
   */
  resend(requestId: string): Promise<boolean> {
    return this.table.update(
      keys.request(requestId),
      'REMOVE invitedAt ADD resends :one',
      '#status = :open',
      { ':open': 'open', ':one': 1 },
      { '#status': 'status' },
    );
  }

  /** A participant's own requests (their commitment and their asks), each read itself, consistently. */
  async ofParticipant(participantId: string): Promise<Request[]> {
    const items = await this.table.queryGsi1(`PARTICIPANT#${participantId}`, 'REQUEST#');
    const found: Request[] = [];
    for (const item of items) {
      const request = await this.get(String(item.requestId));
      if (request) found.push(request);
    }
    return found;
  }

  /**
   * Keeps the page of a post that recorded an answer the request's own write did not take (the request
   * was closed meanwhile), noting its key: once per post.
   */
  noteReplay(requestId: string, replay: ReplayPage): Promise<boolean> {
    return this.table.update(
      keys.request(requestId),
      `SET ${KEEP_REPLAY}`,
      'attribute_exists(PK) AND NOT contains(replays, :one)',
      { ':none': [], ':key': [replay.key], ':one': replay.key, ':page': replay },
    );
  }

  /**
   * Keeps the page of the post that answered the request (its key noted by the answering write), when the
   * page follows from what the answer led to: once.
   */
  keepReplayPage(requestId: string, replay: ReplayPage): Promise<boolean> {
    return this.table.update(
      keys.request(requestId),
      'SET replayPage = :page',
      'contains(replays, :key) AND attribute_not_exists(replayPage)',
      { ':key': replay.key, ':page': replay },
    );
  }

  /**
   * Erasing the person an ask about someone else went to (a senior leader): it names nobody, its answer is
   * `answer` (the anonymous one), and its replay page, the keys of those kept apart and the links emailed
   * to them go too.
   */
  forgetRecipient(requestId: string, nobody: Request['recipient'], answer?: Request['answer']) {
    return this.table.update(
      keys.request(requestId),
      `SET recipient = :nobody${answer ? ', answer = :answer' : ''} REMOVE replays, replayPage, links`,
      'attribute_exists(PK)',
      { ':nobody': nobody, ...(answer && { ':answer': answer }) },
    );
  }

  /** Erasing someone's data: their asks go (the anonymous record keeps what they led to). */
  remove(requestId: string): Promise<void> {
    return this.table.delete(keys.request(requestId));
  }

  /** Records that the admin is told an ask is past its due date, before the email goes (its claim): once. */
  markOverdueReported(requestId: string, at: Date): Promise<boolean> {
    return this.table.update(
      keys.request(requestId),
      'SET overdueReportedAt = :at',
      'attribute_not_exists(overdueReportedAt)',
      { ':at': at.toISOString() },
    );
  }

  /** Takes back `markOverdueReported` of `at` (its email failed to go), so the retry tells the admin. */
  unmarkOverdueReported(requestId: string, at: Date): Promise<boolean> {
    return this.table.update(keys.request(requestId), 'REMOVE overdueReportedAt', 'overdueReportedAt = :at', {
      ':at': at.toISOString(),
    });
  }

  /** Only an open request can be waited on; the token is overwritten by each new wait. */
  saveTaskToken(requestId: string, taskToken: string): Promise<boolean> {
    return this.table.update(
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
   * record refuses their outcomes atomically, see `participants.recordStepOutcome`.) The request as read
   * says whom it is about, so only that participant is looked at: as the caller read them (`about`, a
   * form's post reads them with the request), or read now. If it comes with the key of the post
   * answering it (`replayKey`), the key is noted in the same write, and so is the page that post gets
   * (`page`, when it is known before the answer is written), so the same post again gets it back.
   */
  async answer(
    request: Pick<Request, 'requestId' | 'participantId'> & {
      about?: Participant | undefined;
      replayKey?: string | undefined;
    },
    answer: NonNullable<Request['answer']>,
    now: Date,
    page?: Omit<ReplayPage, 'key'>,
  ): Promise<Request | undefined> {
    const { participantId, replayKey } = request;
    const about = participantId ? (request.about ?? (await this.participants.get(participantId))) : undefined;
    if (about?.withdrawal) return undefined;
    const replay = replayKey
      ? { ':none': [], ':key': [replayKey], ...(page && { ':page': { key: replayKey, ...page } }) }
      : {};
    const noted = !replayKey ? '' : page ? `, ${KEEP_REPLAY}` : `, ${NOTE_REPLAY}`;
    const answered = await this.table.updateReturning(
      keys.request(request.requestId),
      `SET #status = :answered, answer = :answer${noted}`,
      '#status = :open AND expiresAt > :now',
      { ':answered': 'answered', ':answer': answer, ':open': 'open', ':now': now.toISOString(), ...replay },
      { '#status': 'status' },
    );
    return answered && Request.parse(answered);
  }

  /**
   * A new deadline for an unanswered request (an extension, or a moved date): open again, reminders
   * counted afresh from now, and a new ask due: returned as written. Answered requests stay answered
   * (undefined).
   */
  async reopen(
    requestId: string,
    expiresAt: Date,
    reminderAfterDays: number[],
    now: Date,
  ): Promise<Request | undefined> {
    const reopened = await this.table.updateReturning(
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
    return reopened && Request.parse(reopened);
  }

  expire(requestId: string): Promise<boolean> {
    return this.table.update(
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
}
