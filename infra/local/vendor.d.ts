declare module 'dynalite' {
  import type { Server } from 'node:http';
  export default function dynalite(options?: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }): Server;
}

declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export default class S3rver {
    constructor(options: { directory: string; silent?: boolean; vhostBuckets?: boolean });
    /** The Koa app as a Node request listener. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
