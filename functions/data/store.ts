import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Cohort } from '../domain/cohort.js';
import { Participant } from '../domain/participant.js';
import { keptLink, type Link, type LinkedIds, Request } from '../domain/request.js';
import { ApplicationItems } from './applications.js';
import { CertificateItems } from './certificates.js';
import { CohortItems } from './cohorts.js';
import { DirectoryItems } from './directory.js';
import { LinkItems } from './links.js';
import { ParticipantItems } from './participants.js';
import { RequestItems } from './requests.js';
import { keys, Table } from './table.js';
import { CohortInvitationItems, WaitingListItems } from './waiting-list.js';

/** Requests read at once, by id: undefined where there is none (yet). */
export type RequestsRead = ReadonlyMap<string, Request | undefined>;

/** What a lifecycle step decides on, as one `look` read it. */
export interface Look {
  participant?: Participant | undefined;
  cohort?: Cohort | undefined;
  requests: RequestsRead;
}

/** The accreditation table, by kind of item (key design and access patterns: `table.ts`). */
export class AccreditationStore {
  readonly cohorts: CohortItems;
  readonly participants: ParticipantItems;
  readonly requests: RequestItems;
  readonly links: LinkItems;
  readonly certificates: CertificateItems;
  readonly directory: DirectoryItems;
  readonly waitingList: WaitingListItems;
  readonly cohortInvitations: CohortInvitationItems;
  readonly applications: ApplicationItems;
  private readonly table: Table;

  constructor(client: DynamoDBClient, tableName: string) {
    const table = new Table(client, tableName);
    this.table = table;
    this.cohorts = new CohortItems(table);
    this.participants = new ParticipantItems(table);
    this.requests = new RequestItems(table, this.participants);
    this.links = new LinkItems(table);
    this.certificates = new CertificateItems(table, this.participants);
    this.directory = new DirectoryItems(table, this.participants);
    this.waitingList = new WaitingListItems(table);
    this.cohortInvitations = new CohortInvitationItems(table);
    this.applications = new ApplicationItems(table);
  }

  /**
   * A participant, a cohort and requests, whichever are named, read in one call (BatchGetItem, consistent):
   * how a lifecycle step, or a form, reads what it decides on at once.
   */
  async look({
    participantId,
    cohortId,
    requestIds = [],
  }: {
    participantId?: string | undefined;
    cohortId?: string | undefined;
    requestIds?: string[];
  }): Promise<Look> {
    const asked = [
      ...(participantId ? [keys.participant(participantId)] : []),
      ...(cohortId ? [keys.cohort(cohortId)] : []),
      ...requestIds.map((requestId) => keys.request(requestId)),
    ];
    const items = asked.length ? await this.table.getMany(asked) : [];
    const participant = participantId ? items.shift() : undefined;
    const cohort = cohortId ? items.shift() : undefined;
    return {
      participant: participant && Participant.parse(participant),
      cohort: cohort && Cohort.parse(cohort),
      requests: new Map(requestIds.map((requestId, i) => [requestId, items[i] && Request.parse(items[i])])),
    };
  }

  /**
   * A request with the record of the participant it is about, if any. Told whom (`participantId`, as its
   * link says), both are read in one look; otherwise the request says whom, and they are read after it.
   */
  async requestWithParticipant(
    requestId: string,
    participantId?: string,
  ): Promise<{ request?: Request; about?: Participant }> {
    const look = await this.look({ participantId, requestIds: [requestId] });
    return this.withParticipant(look, { requestId, participantId });
  }

  /**
   * A link (by its hash) with its request and the record of whom that is about. Told which they are
   * (`ids`, as the link's path names them), the request and the record are read in one look and the link
   * is the one the request keeps with that hash (none: forged, or for another request), and whether the
   * link says the same is for the caller to judge; otherwise (a link emailed before links named their
   * request) the link is an item of its own, saying which, and they are read after it.
   */
  async linkWithRequest(
    linkHash: string,
    ids?: LinkedIds,
  ): Promise<{ link?: Link; request?: Request; about?: Participant }> {
    if (!ids) {
      const link = await this.links.get(linkHash);
      return link ? { link, ...(await this.requestWithParticipant(link.requestId, link.participantId)) } : {};
    }
    const look = await this.look({ participantId: ids.participantId, requestIds: [ids.requestId] });
    const found = await this.withParticipant(look, ids);
    const link = found.request && keptLink(found.request, linkHash);
    return link ? { link, ...found } : found;
  }

  /** The request a look read, with whom it is about: as the look read them, or read now if it named another. */
  private async withParticipant(
    look: Look,
    { requestId, participantId }: LinkedIds,
  ): Promise<{ request?: Request; about?: Participant }> {
    const request = look.requests.get(requestId);
    if (!request?.participantId) return request ? { request } : {};
    const about =
      request.participantId === participantId
        ? look.participant
        : await this.participants.get(request.participantId);
    return about ? { request, about } : { request };
  }
}
