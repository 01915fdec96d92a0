import { Link } from '../domain/request.js';
import { keys, type Table, ttlAfter } from './table.js';

/** Emailed links, by the digest of their secret (the secret itself is never stored). */
export class LinkItems {
  constructor(private readonly table: Table) {}

  create(link: Link): Promise<boolean> {
    return this.table.create({
      ...keys.link(link.linkHash),
      type: 'link',
      ttl: ttlAfter(link.expiresAt),
      ...link,
    });
  }

  async get(linkHash: string): Promise<Link | undefined> {
    const item = await this.table.get(keys.link(linkHash));
    return item && Link.parse(item);
  }
}
