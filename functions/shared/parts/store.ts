import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AccreditationStore } from '../../data/store.js';
import type { Part, Wiring } from '../composition.js';

/** The DynamoDB client every part on the tables shares, traced by operation and table. */
export const dynamodb = (wiring: Wiring) =>
  wiring.client('dynamodb', (config) => new DynamoDBClient(config), true);

/** The Accreditation table. */
export const store: Part<{ store: AccreditationStore }> = {
  name: 'store',
  build: (wiring) => ({ store: new AccreditationStore(dynamodb(wiring), wiring.settings.TABLE_NAME) }),
};
