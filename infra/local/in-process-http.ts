import { EventEmitter } from 'node:events';
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  Server,
  ServerResponse,
} from 'node:http';

/** An HTTP request or answer, whole. */
export interface HttpExchange {
  request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer };
  answer: { status: number; headers: OutgoingHttpHeaders; body: Buffer };
}

export type InProcessHttp = (request: HttpExchange['request']) => Promise<HttpExchange['answer']>;

/**
 * Hands a whole request to an HTTP server's own request handler in this process, and collects its
 * answer, as if they had crossed a socket: what one local service (the table's stream) uses to reach
 * another (dynalite) without a second HTTP round trip on every call. The handler runs unchanged; it sees
 * the request's method, URL, headers and body (as one `data` chunk), and answers with `statusCode`,
 * `setHeader` and `end`, which is all dynalite uses.
 */
export function inProcessHttp(server: Server): InProcessHttp {
  const [handler] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!handler) throw new Error('The server has no request handler');
  return ({ method, url, headers, body }) =>
    new Promise((done, fail) => {
      const request = Object.assign(new EventEmitter(), { method, url, headers });
      const answerHeaders: OutgoingHttpHeaders = {};
      const response = {
        statusCode: 200,
        setHeader(name: string, value: number | string | string[]) {
          answerHeaders[name.toLowerCase()] = value;
          return response;
        },
        end(chunk?: string | Buffer) {
          done({
            status: response.statusCode,
            headers: answerHeaders,
            body: Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk ?? '', 'utf8'),
          });
          return response;
        },
      };
      try {
        handler(request as unknown as IncomingMessage, response as unknown as ServerResponse);
        if (body.length) request.emit('data', body);
        request.emit('end');
      } catch (error) {
        fail(error);
      }
    });
}
