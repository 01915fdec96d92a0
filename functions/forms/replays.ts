import {
  IdempotencyConfig,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Dependencies } from '../shared/dependencies.js';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../shared/idempotency.js';

/**
 * A recorded answer's page is kept so a double post gets the same page back; it may name people. It is
 * a Powertools idempotency record written once, after the answer (the answer's own conditional write is
 * what makes a second post harmless, and notes the key on the request first), rather than Powertools'
 * in-progress record and its completion around every post. Its key has a fixed prefix, not the Forms
 * function's name, so another function (the Admin, erasing someone's data) can find it from the key
 * noted on the request (`replays`).
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

/** Keeps the page of an answer whose key is noted on its request (one write). */
export async function keepReplay(idempotencyKey: string, page: APIGatewayProxyResult, deps: Dependencies) {
  await replayPages(deps).saveSuccess({ idempotencyKey }, { ...page });
}

/** The page kept for an answer, if it is there (yet). */
export async function replayOf(
  idempotencyKey: string,
  deps: Dependencies,
): Promise<APIGatewayProxyResult | undefined> {
  try {
    const record = await replayPages(deps).getRecord({ idempotencyKey });
    return record.getStatus() === IdempotencyRecordStatus.COMPLETED
      ? (record.getResponse() as unknown as APIGatewayProxyResult)
      : undefined;
  } catch (error) {
    if (error instanceof IdempotencyItemNotFoundError) return undefined;
    throw error;
  }
}

/** Deletes the stored replay pages of these answers (a missing one is no matter). */
export async function forgetReplays(idempotencyKeys: string[], deps: Dependencies) {
  for (const idempotencyKey of idempotencyKeys) await replayPages(deps).deleteRecord({ idempotencyKey });
}
