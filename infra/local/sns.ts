import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a topic's email subscription receives: SNS's subject line (or its default) and the message. */
export interface Notification {
  subject: string;
  message: string;
}

export interface LocalSns {
  url: string;
  topicArn: string;
  stop(): Promise<void>;
}

/** SNS's own limits on Publish, so a message that AWS would refuse is refused here too. */
const MAX_MESSAGE_BYTES = 262_144;
const SUBJECT = /^[\x20-\x7e]{1,100}$/;
/** What an email subscription shows when Publish gives no subject. */
const DEFAULT_SUBJECT = 'AWS Notification Message';

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function reply(response: ServerResponse, status: number, xml: string) {
  response.writeHead(status, { 'Content-Type': 'text/xml' });
  response.end(`<?xml version="1.0"?>\n${xml}`);
}

function refuse(response: ServerResponse, status: number, code: string, message: string) {
  reply(
    response,
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/**
 * Amazon SNS, locally, for the one topic the system has (the admin's alerts): the Publish action of the SNS
 * query API, which is what `@aws-sdk/client-sns` sends, checked as SNS checks it (the topic exists, the
 * message is at most 256 KB, the subject is one line of printable ASCII), then delivered as the topic's
 * email subscription would deliver it. Delivery finishes before Publish answers, so whoever published
 * finds the email already in the mailbox.
 */
export async function startLocalSns(options: {
  port: number;
  topicArn: string;
  deliver(notification: Notification): Promise<void>;
}): Promise<LocalSns> {
  const server = createServer((request, response) => {
    publish(request, response).catch((error: Error) =>
      refuse(response, 500, 'InternalError', `Local SNS: ${error.message}`),
    );
  });

  async function publish(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action');
    if (action !== 'Publish')
      return refuse(response, 400, 'InvalidAction', `Not implemented locally: ${action}`);
    if (form.get('TopicArn') !== options.topicArn)
      return refuse(response, 404, 'NotFound', 'Topic does not exist');
    const message = form.get('Message');
    if (!message) return refuse(response, 400, 'InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES)
      return refuse(response, 400, 'InvalidParameter', 'Invalid parameter: Message too long');
    const subject = form.get('Subject');
    if (subject !== null && !SUBJECT.test(subject))
      return refuse(response, 400, 'InvalidParameter', 'Invalid parameter: Subject');
    await options.deliver({ subject: subject ?? DEFAULT_SUBJECT, message });
    reply(
      response,
      200,
      `<PublishResponse xmlns="${NAMESPACE}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  await new Promise<void>((done) => server.listen(options.port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    topicArn: options.topicArn,
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
