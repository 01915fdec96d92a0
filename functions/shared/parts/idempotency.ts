import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Part, Wiring } from '../composition.js';
import { dynamodb } from './store.js';

/**
 * A layer on the Idempotency table. Powertools keeps one key prefix (and one configuration) per layer, so
 * each kind of record has a layer of its own rather than one layer reconfigured before each use.
 */
export const idempotencyLayer = (wiring: Wiring): BasePersistenceLayer =>
  new DynamoDBPersistenceLayer({
    tableName: wiring.settings.IDEMPOTENCY_TABLE_NAME,
    awsSdkV3Client: dynamodb(wiring),
  });

/**
 * Powertools idempotency records, and the forms' replay pages on a layer of their own (Powertools keeps
 * one key prefix per layer), both in the Idempotency table.
 */
export const idempotency: Part<{
  idempotencyStore: BasePersistenceLayer;
  formReplays: BasePersistenceLayer;
}> = {
  name: 'idempotency',
  build: (wiring) => ({ idempotencyStore: idempotencyLayer(wiring), formReplays: idempotencyLayer(wiring) }),
};
