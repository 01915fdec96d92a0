import { Link } from '../domain/request.js';
import { keys, type Table, ttlAfter, withoutKeys } from './table.js';

/** Emailed links, by the digest of their secret (the secret itself is never stored). */
export class LinkItems {
  constructor(private readonly table: Table) {}

  create(link: Link): Promise<boolean> {
    return this.table.create({
      ...keys.link(link.linkHash),
      GSI1PK: `REQUEST#${link.requestId}`,
      GSI1SK: `LINK#${link.linkHash}`,
      type: 'link',
      ttl: ttlAfter(link.expiresAt),
      ...link,
    });
  }

  async get(linkHash: string): Promise<Link | undefined> {
    const item = await this.table.get(keys.link(linkHash));
    return item && Link.parse(item);
  }

  /** Every link emailed for a request (Query on GSI1): to export or erase them with the person's data. */
  async ofRequest(requestId: string): Promise<Link[]> {
    return (await this.table.queryGsi1(`REQUEST#${requestId}`, 'LINK#')).map((item) =>
      Link.parse(withoutKeys(item)),
    );
  }

  remove(linkHash: string): Promise<void> {
    return this.table.delete(keys.link(linkHash));
  }
}
