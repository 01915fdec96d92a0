import { SESClient } from '@aws-sdk/client-ses';
import { type Mailer, sesMailer } from '../../email/mailer.js';
import type { Part } from '../composition.js';
import { idempotencyLayer } from './idempotency.js';

/** SES, each email sent once through its record in the Idempotency table (a layer of the mailer's own). */
export const mailer: Part<{ mailer: Mailer }> = {
  name: 'mailer',
  build: (wiring) => ({
    mailer: sesMailer({
      ses: wiring.client('ses', (config) => new SESClient(config), true),
      from: wiring.settings.EMAIL_FROM,
      configurationSet: wiring.settings.SES_CONFIGURATION_SET,
      persistenceStore: idempotencyLayer(wiring),
    }),
  }),
};
