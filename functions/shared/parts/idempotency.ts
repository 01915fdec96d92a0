import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Part } from '../composition.js';
import { dynamodb } from './store.js';

/**
 * Powertools idempotency records, and the forms' replay pages on a layer of their own (Powertools keeps
 * one key prefix per layer), both in the Idempotency table.
 */
export const idempotency: Part<{
  idempotencyStore: BasePersistenceLayer;
  formReplays: BasePersistenceLayer;
}> = {
  name: 'idempotency',
  build(wiring) {
    const layer = () =>
      new DynamoDBPersistenceLayer({
        tableName: wiring.settings.IDEMPOTENCY_TABLE_NAME,
        awsSdkV3Client: dynamodb(wiring),
      });
    return { idempotencyStore: layer(), formReplays: layer() };
  },
};
