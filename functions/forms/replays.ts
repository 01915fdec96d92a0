import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { Dependencies } from '../shared/dependencies.js';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../shared/idempotency.js';

/**
 * A recorded answer's page is kept on its request (`replayPage`), so it goes with the request when the
 * person's data is erased. Earlier versions kept it apart, as a Powertools idempotency record for a week,
 * under a fixed prefix and the key noted on the request (`replays`): erasing someone's data still forgets
 * any such page.
 */
export const REPLAY_KEY_PREFIX = 'form-answer';

const replayPages = ({ formReplays }: Dependencies) => {
  formReplays.configure({
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'idempotencyKey',
      expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    }),
    keyPrefix: REPLAY_KEY_PREFIX,
  });
  return formReplays;
};

/** Deletes the replay pages kept apart for these answers (a missing one is no matter). */
export async function forgetReplays(idempotencyKeys: string[], deps: Dependencies) {
  for (const idempotencyKey of idempotencyKeys) await replayPages(deps).deleteRecord({ idempotencyKey });
}
