import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { Dependencies } from '../shared/dependencies.js';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../shared/idempotency.js';

/**
 * A recorded answer's page is kept (Powertools idempotency) so a double post gets the same page back; it
 * may name people. Its record's key has a fixed prefix, not the Forms function's name, so another function
 * (the Admin, erasing someone's data) can find it from the key noted on the request (`replays`).
 */
export const REPLAY_KEY_PREFIX = 'form-answer';

export const replayConfig = () =>
  new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
  });

/** Deletes the stored replay pages of these answers (a missing one is no matter). */
export async function forgetReplays(idempotencyKeys: string[], { formReplays }: Dependencies) {
  formReplays.configure({ config: replayConfig(), keyPrefix: REPLAY_KEY_PREFIX });
  for (const idempotencyKey of idempotencyKeys) await formReplays.deleteRecord({ idempotencyKey });
}
