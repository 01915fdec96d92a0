import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Context } from 'aws-lambda';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../shared/idempotency.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/observability.js';
import type { EmailMessage } from './message.js';

export interface Mailer {
  /**
   * Sends once per `idempotencyKey`: a retried Lambda that already sent this email gets the first
   * result back instead of sending it again.
   */
  send(message: EmailMessage, idempotencyKey: string): Promise<{ messageId: string }>;
  /** Lets idempotency records expire with the invocation if the Lambda dies mid-send. */
  registerLambdaContext(context: Context): void;
}

export interface SesMailerOptions {
  ses: SESClient;
  from: string;
  configurationSet?: string;
  persistenceStore: BasePersistenceLayer;
}

export function sesMailer({ ses, from, configurationSet, persistenceStore }: SesMailerOptions): Mailer {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
  });
  const sendOnce = makeIdempotent(
    async (request: { idempotencyKey: string; message: EmailMessage }) => {
      const { message } = request;
      const result = message.calendar
        ? await ses.send(await rawEmailWithInvite(message, from, configurationSet))
        : await ses.send(
            new SendEmailCommand({
              Source: from,
              Destination: { ToAddresses: [message.to] },
              Message: {
                Subject: { Data: message.subject, Charset: 'UTF-8' },
                Body: {
                  Html: { Data: message.html, Charset: 'UTF-8' },
                  Text: { Data: message.text, Charset: 'UTF-8' },
                },
              },
              ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
            }),
          );
      metrics.addMetric(METRIC.emailSent, MetricUnit.Count, 1);
      return { messageId: result.MessageId ?? '' };
    },
    { persistenceStore, config },
  );
  return {
    send: (message, idempotencyKey) => sendOnce({ idempotencyKey, message }),
    registerLambdaContext: (context) => config.registerLambdaContext(context),
  };
}

/**
 * SES's simple SendEmail cannot carry a text/calendar part, so an invite goes as a raw MIME message,
 * composed by nodemailer (the invite is both an alternative part, which mail clients show as an
 * invitation, and an .ics attachment for those that do not).
 */
async function rawEmailWithInvite(message: EmailMessage, from: string, configurationSet?: string) {
  const calendar = message.calendar;
  // nodemailer's MIME builder is loaded by the first invite only: plain emails go as SES SendEmail.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const mime = await new MailComposer({
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    icalEvent: calendar && { method: calendar.method, filename: 'invite.ics', content: calendar.content },
  })
    .compile()
    .build();
  return new SendRawEmailCommand({
    RawMessage: { Data: mime },
    ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
  });
}
