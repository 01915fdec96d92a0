import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApplicationItems } from './applications.js';
import { CertificateItems } from './certificates.js';
import { CohortItems } from './cohorts.js';
import { DirectoryItems } from './directory.js';
import { LinkItems } from './links.js';
import { ParticipantItems } from './participants.js';
import { RequestItems } from './requests.js';
import { Table } from './table.js';
import { CohortInvitationItems, WaitingListItems } from './waiting-list.js';

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

  constructor(client: DynamoDBClient, tableName: string) {
    const table = new Table(client, tableName);
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
}
