import { IdempotencyConfig, IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Context } from 'aws-lambda';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../shared/idempotency.js';
import { METRIC } from '../shared/metric-names.js';
import { logger, metrics, withoutPersonalData } from '../shared/observability.js';
import type { EmailMessage } from './message.js';

/**
 * Sent emails' records have a fixed key prefix, not the sending function's name: an email is the same
 * email whichever function sends it, so none is sent twice by two.
 */
const SENT_EMAIL_KEY_PREFIX = 'email';

/**
 * A conditional write on the record an email is about that says it went (a participant's `notified`, an
 * ask's `invitedAt`): `take` is false when it was taken already; `release` undoes it after a failed send.
 */
export interface RecordClaim {
  take(): Promise<boolean>;
  release(): Promise<unknown>;
}

/**
 * What a send claims first, so the email goes once: a key of the mailer's own records (for emails no
 * record of ours notes: alerts, admin mail), or the write on the record that notes it.
 */
export type Claim = string | RecordClaim;

export interface Mailer {
  /**
   * Sends once per claim: a retried Lambda that already sent this email sends nothing (false) instead of
   * sending it again.
   */
  send(message: EmailMessage, claim: Claim): Promise<boolean>;
  /** Bounds each send by the invocation's remaining time, so a send fails (and is released) rather than dying. */
  registerLambdaContext(context: Context): void;
}

export interface SesMailerOptions {
  ses: SESClient;
  from: string;
  configurationSet?: string;
  persistenceStore: BasePersistenceLayer;
}

/** Longest an SES call may take before it is abandoned (and its claim released): well inside a Lambda's time. */
const SEND_TIMEOUT_MS = 20_000;

/**
 * One conditional write per email: the send claims it (on the record that notes it, or a Powertools
 * idempotency record under its key, put only if there is none), and the claim stays as the record that
 * it went; only a send that failed releases it, so the step's retry sends it then. (Powertools' own wrapper writes twice: in progress, then completed.) A
 * retry finding the claim sends nothing, however soon it comes. Left unsent: a send that failed whose
 * release failed too (logged), an invocation killed during the SES call (bounded by the time it has
 * left), or, if two invocations send the same email at once, the one whose send then failed.
 */
export function sesMailer({ ses, from, configurationSet, persistenceStore }: SesMailerOptions): Mailer {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
  });
  // The mailer's own layer (Powertools keeps one prefix and configuration per layer): configured once.
  persistenceStore.configure({ config, keyPrefix: SENT_EMAIL_KEY_PREFIX });
  let context: Context | undefined;
  const timeoutMs = () =>
    Math.min(SEND_TIMEOUT_MS, (context?.getRemainingTimeInMillis() ?? Infinity) - 1_000);

  /** A key of the mailer's own records as a claim: put only if there is none, deleted to release it. */
  const keyClaim = (idempotencyKey: string): RecordClaim => ({
    async take() {
      try {
        // In progress for the whole window (not the invocation's time, after which Powertools lets a key
        // be claimed again): only a release frees it.
        await persistenceStore.saveInProgress({ idempotencyKey }, IDEMPOTENCY_WINDOW_SECONDS * 1000);
        return true;
      } catch (error) {
        if (error instanceof IdempotencyItemAlreadyExistsError) return false;
        throw error;
      }
    },
    release: () => persistenceStore.deleteRecord({ idempotencyKey }),
  });

  async function sendEmail(message: EmailMessage) {
    const abortSignal = AbortSignal.timeout(Math.max(timeoutMs(), 1_000));
    if (message.calendar)
      return ses.send(await rawEmailWithInvite(message, from, configurationSet), { abortSignal });
    return ses.send(
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
      { abortSignal },
    );
  }

  return {
    async send(message, claim) {
      const taken = typeof claim === 'string' ? keyClaim(claim) : claim;
      if (!(await taken.take())) return false;
      try {
        await sendEmail(message);
      } catch (error) {
        await taken.release().catch((failed) => {
          logger.error(
            'An email failed and its claim stays: it will not be retried',
            withoutPersonalData(failed),
          );
        });
        throw error;
      }
      metrics.addMetric(METRIC.emailSent, MetricUnit.Count, 1);
      return true;
    },
    registerLambdaContext(lambdaContext) {
      context = lambdaContext;
    },
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
