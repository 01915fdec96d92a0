import * as z from 'zod';
import type { Pathway } from '../domain/pathway.js';
import { type EntryStatus, JOINABLE, WaitingListEntry } from '../domain/waiting-list.js';
import { keys, type Table, ttlAfter, withoutKeys } from './table.js';

const listKey = (programmeId: string, pathway: Pathway) => `WAITLIST#${programmeId}#${pathway}`;

/**
 * Waiting-list entries: who waits for a place on a programme's pathway, in the order they joined. Each
 * holds the person's name, email, school and senior leader (personal data, kept ids-only in logs).
 */
export class WaitingListItems {
  constructor(private readonly table: Table) {}

  /**
   * Puts someone on the list, or registers their interest to be confirmed (status `unconfirmed`, not in
   * the list's index, and left for DynamoDB to remove a year after if never confirmed). Only a new entry,
   * or one not on the list now (unconfirmed, declined, lapsed), is written: false for anyone on it already.
   */
  join(entry: WaitingListEntry): Promise<boolean> {
    const parsed = WaitingListEntry.parse(entry);
    const listed = parsed.status === 'waiting' && parsed.joinedAt;
    return this.table.putIf(
      {
        ...keys.waitingListEntry(parsed.entryId),
        ...(listed
          ? { GSI1PK: listKey(parsed.programmeId, parsed.pathway), GSI1SK: `${listed}#${parsed.entryId}` }
          : { ttl: ttlAfter(parsed.registeredAt) }),
        type: 'waiting-list-entry',
        ...parsed,
      },
      `attribute_not_exists(PK) OR #status IN (${JOINABLE.map((status) => `:${status}`).join(', ')})`,
      Object.fromEntries(JOINABLE.map((status) => [`:${status}`, status])),
      { '#status': 'status' },
    );
  }

  async get(entryId: string): Promise<WaitingListEntry | undefined> {
    const item = await this.table.get(keys.waitingListEntry(entryId));
    return item && WaitingListEntry.parse(item);
  }

  /** The pathway's list, in the order people joined (everyone who ever joined, with their status). */
  async list(programmeId: string, pathway: Pathway): Promise<WaitingListEntry[]> {
    return (await this.table.queryGsi1(listKey(programmeId, pathway))).map((item) =>
      WaitingListEntry.parse(withoutKeys(item)),
    );
  }

  /** Confirmed from the emailed link: on the list from now, at the back. False if not unconfirmed. */
  confirm(entry: WaitingListEntry, at: Date): Promise<boolean> {
    return this.table.update(
      keys.waitingListEntry(entry.entryId),
      'SET #status = :waiting, joinedAt = :at, GSI1PK = :list, GSI1SK = :order REMOVE #ttl',
      '#status = :unconfirmed',
      {
        ':waiting': 'waiting',
        ':unconfirmed': 'unconfirmed',
        ':at': at.toISOString(),
        ':list': listKey(entry.programmeId, entry.pathway),
        ':order': `${at.toISOString()}#${entry.entryId}`,
      },
      { '#status': 'status', '#ttl': 'ttl' },
    );
  }

  /** Invites someone waiting; false if they are not waiting now (another cohort invited them first). */
  invite(entryId: string, invitation: NonNullable<WaitingListEntry['invitation']>): Promise<boolean> {
    return this.table.update(
      keys.waitingListEntry(entryId),
      'SET #status = :invited, invitation = :invitation',
      '#status = :waiting',
      { ':invited': 'invited', ':waiting': 'waiting', ':invitation': invitation },
      { '#status': 'status' },
    );
  }

  /**
   * What became of an invitation: enrolled, declined, lapsed, or back to waiting (in their old place) when
   * it was withdrawn. Only from that invitation, once.
   */
  settle(
    entryId: string,
    requestId: string,
    status: Exclude<EntryStatus, 'unconfirmed' | 'invited'>,
    participantId?: string,
  ): Promise<boolean> {
    return this.table.update(
      keys.waitingListEntry(entryId),
      `SET #status = :status${participantId ? ', participantId = :participant' : ''}`,
      '#status = :invited AND invitation.requestId = :request',
      {
        ':status': status,
        ':invited': 'invited',
        ':request': requestId,
        ...(participantId ? { ':participant': participantId } : {}),
      },
      { '#status': 'status' },
    );
  }
}

/** A cohort inviting from its pathway's waiting list: the execution that does it, and its wait. */
export const CohortInvitations = z.object({
  cohortId: z.string(),
  programmeId: z.string(),
  pathway: z.string(),
  execution: z.object({ workflow: z.literal('WaitingListInvitations'), name: z.string().min(1).max(80) }),
  /** Bumped by every change the waiting execution must see: an answer, someone joining the list. */
  revision: z.number().int().nonnegative(),
  waitToken: z.string().optional(),
});
export type CohortInvitations = z.infer<typeof CohortInvitations>;

export class CohortInvitationItems {
  constructor(private readonly table: Table) {}

  /** Records the execution that invites for the cohort (intent first: then it is started by that name). */
  record(invitations: Omit<CohortInvitations, 'revision' | 'waitToken'>): Promise<boolean> {
    return this.table.update(
      keys.cohortInvitations(invitations.cohortId),
      'SET cohortId = :cohort, programmeId = :programme, pathway = :pathway, execution = :execution, GSI1PK = :list, GSI1SK = :cohort, revision = if_not_exists(revision, :zero) + :one',
      'attribute_not_exists(PK) OR cohortId = :cohort',
      {
        ':cohort': invitations.cohortId,
        ':programme': invitations.programmeId,
        ':pathway': invitations.pathway,
        ':execution': invitations.execution,
        ':list': `INVITATIONS#${invitations.programmeId}#${invitations.pathway}`,
        ':zero': 0,
        ':one': 1,
      },
    );
  }

  async get(cohortId: string): Promise<CohortInvitations | undefined> {
    const item = await this.table.get(keys.cohortInvitations(cohortId));
    return item && CohortInvitations.parse(item);
  }

  /** Every cohort inviting from a pathway's list (those that ended too). */
  async ofPathway(programmeId: string, pathway: Pathway): Promise<CohortInvitations[]> {
    return (await this.table.queryGsi1(`INVITATIONS#${programmeId}#${pathway}`)).map((item) =>
      CohortInvitations.parse(withoutKeys(item)),
    );
  }

  /** Something the waiting execution must see changed: its revision moves on; the token to wake it. */
  async change(cohortId: string): Promise<string | undefined> {
    const changed = await this.table.updateReturning(
      keys.cohortInvitations(cohortId),
      'SET revision = revision + :one',
      'attribute_exists(PK)',
      { ':one': 1 },
    );
    return changed && CohortInvitations.parse(changed).waitToken;
  }

  /** Parks the wait's token only if nothing changed since the step that decided to wait read the revision. */
  saveWaitToken(cohortId: string, taskToken: string, revision: number): Promise<boolean> {
    return this.table.update(
      keys.cohortInvitations(cohortId),
      'SET waitToken = :token',
      'revision = :revision',
      { ':token': taskToken, ':revision': revision },
    );
  }
}
