import { SESClient } from '@aws-sdk/client-ses';
import { type Mailer, sesMailer } from '../../email/mailer.js';
import type { Part } from '../composition.js';
import { idempotency } from './idempotency.js';

/** SES, each email sent once through the idempotency records. */
export const mailer: Part<{ mailer: Mailer }> = {
  name: 'mailer',
  build: (wiring) => ({
    mailer: sesMailer({
      ses: wiring.client('ses', (config) => new SESClient(config), true),
      from: wiring.settings.EMAIL_FROM,
      configurationSet: wiring.settings.SES_CONFIGURATION_SET,
      persistenceStore: wiring.use(idempotency).idempotencyStore,
    }),
  }),
};
