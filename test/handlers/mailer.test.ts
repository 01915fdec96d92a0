import type { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesMailer } from '../../functions/email/mailer.js';
import type { EmailMessage } from '../../functions/email/message.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { startTestSystem } from '../support/local-system.js';

/**
 * An email's claim (one conditional put on the idempotency table, in dynalite) is what stops a retried
 * step sending it twice; a send that failed releases it, so the retry sends it then.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

const message: EmailMessage = {
  to: 'asha@school.test',
  subject: 'Please submit your Interim task by 5:00pm',
  html: '<p>Hello</p>',
  text: 'Hello',
};

/** SES that refuses the first `failures` sends, counting those it accepted. */
function ses(failures: number) {
  const accepted: unknown[] = [];
  let refused = 0;
  const client = {
    send: async (command: unknown) => {
      if (refused < failures) {
        refused += 1;
        throw Object.assign(new Error('Throttling: Maximum sending rate exceeded'), { name: 'Throttling' });
      }
      accepted.push(command);
      return { MessageId: `m-${accepted.length}` };
    },
  };
  return { client: client as unknown as SESClient, accepted };
}

const mailerWith = (client: SESClient) =>
  sesMailer({ ses: client, from: 'pd@example.test', persistenceStore: system.dependencies.idempotencyStore });

describe('sending an email once', () => {
  it('sends once per key: a retry, however soon, sends nothing more', async () => {
    const { client, accepted } = ses(0);
    const mailer = mailerWith(client);
    expect(await mailer.send(message, 'once#1')).toBe(true);
    expect(await mailer.send(message, 'once#1')).toBe(false);
    expect(await mailerWith(client).send(message, 'once#1')).toBe(false);
    expect(accepted).toHaveLength(1);
    expect(await mailer.send(message, 'once#2')).toBe(true);
    expect(accepted).toHaveLength(2);
  });

  it('a send SES refused is released: the retry sends it, and only once', async () => {
    const { client, accepted } = ses(1);
    const mailer = mailerWith(client);
    await expect(mailer.send(message, 'refused#1')).rejects.toThrow('Maximum sending rate exceeded');
    expect(accepted).toHaveLength(0);
    expect(await mailer.send(message, 'refused#1')).toBe(true);
    expect(await mailer.send(message, 'refused#1')).toBe(false);
    expect(accepted).toHaveLength(1);
  });
});
