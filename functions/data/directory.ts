import { DirectoryEntry, mayBeListed } from '../domain/directory.js';
import type { ParticipantItems } from './participants.js';
import { keys, type Table, withoutKeys } from './table.js';

/** The public directory of accredited leads: an entry only while the lead's accreditation is current. */
export class DirectoryItems {
  constructor(
    private readonly table: Table,
    private readonly participants: Pick<ParticipantItems, 'get'>,
  ) {}

  /**
   * The lead may change their entry whenever they like, so the latest save wins; but only while their
   * accreditation is current (false, and nothing listed, otherwise). DynamoDB could check the participant
   * in a transaction, but the local runtime's dynalite has no TransactWriteItems, so the record is read
   * before and after the write: a lapse or withdrawal recorded meanwhile takes the entry down again here,
   * or (recorded after that second look) in `participants.change`.
   */
  async save(entry: DirectoryEntry): Promise<boolean> {
    const current = async () => mayBeListed(await this.participants.get(entry.participantId));
    if (!(await current())) return false;
    await this.table.put({
      ...keys.directoryEntry(entry.participantId),
      GSI1PK: 'DIRECTORY',
      GSI1SK: `${entry.displayName.toLocaleLowerCase('en-GB')}#${entry.participantId}`,
      type: 'directory-entry',
      ...entry,
    });
    if (await current()) return true;
    await this.remove(entry.participantId);
    return false;
  }

  async get(participantId: string): Promise<DirectoryEntry | undefined> {
    const item = await this.table.get(keys.directoryEntry(participantId));
    return item && DirectoryEntry.parse(item);
  }

  remove(participantId: string): Promise<void> {
    return this.table.delete(keys.directoryEntry(participantId));
  }

  /**
   * Everyone listed in the public directory, in name order (Query on GSI1). Eventually consistent: a
   * change may take a moment to show, which is fine for a public listing.
   */
  async list(): Promise<DirectoryEntry[]> {
    return (await this.table.queryGsi1('DIRECTORY')).map((item) => DirectoryEntry.parse(withoutKeys(item)));
  }
}
