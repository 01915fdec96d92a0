import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { EmailMessage } from './message.js';

export interface Mailer {
  /**
   * Sends once per `idempotencyKey`: a retried Lambda that already sent this email gets the first
   * result back instead of sending it again.
   */
  send(message: EmailMessage, idempotencyKey: string): Promise<{ messageId: string }>;
}

export interface SesMailerOptions {
  ses: SESClient;
  from: string;
  configurationSet?: string;
  persistenceStore: BasePersistenceLayer;
}

export function sesMailer({ ses, from, configurationSet, persistenceStore }: SesMailerOptions): Mailer {
  const sendOnce = makeIdempotent(
    async (request: { idempotencyKey: string; message: EmailMessage }) => {
      const { message } = request;
      const result = await ses.send(
        new SendEmailCommand({
          Source: from,
          Destination: { ToAddresses: [message.to] },
          Message: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: message.html, Charset: 'UTF-8' }, Text: { Data: message.text, Charset: 'UTF-8' } },
          },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
    {
      persistenceStore,
      config: new IdempotencyConfig({ eventKeyJmesPath: 'idempotencyKey', expiresAfterSeconds: 7 * 86_400 }),
    },
  );
  return { send: (message, idempotencyKey) => sendOnce({ idempotencyKey, message }) };
}
