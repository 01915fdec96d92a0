import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The tables' key design, shared by the CDK construct and the local runtime so both create the same
 * shape. Items and access patterns are documented in functions/data/table.ts.
 */
export const accreditationTable = {
  TableName: 'Accreditation',
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    { AttributeName: 'GSI1PK', AttributeType: 'S' },
    { AttributeName: 'GSI1SK', AttributeType: 'S' },
    { AttributeName: 'GSI2PK', AttributeType: 'S' },
    { AttributeName: 'GSI2SK', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      // Who waits on whom (functions/data/table.ts): only what a status row shows.
      IndexName: 'GSI2',
      KeySchema: [
        { AttributeName: 'GSI2PK', KeyType: 'HASH' },
        { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
      ],
      Projection: {
        ProjectionType: 'INCLUDE',
        NonKeyAttributes: ['participantId', 'person', 'cohortId', 'stage', 'waiting'],
      },
    },
  ],
} as const satisfies CreateTableCommandInput;

/** Powertools idempotency's default layout: partition key `id`, expiry in `expiration`. */
export const idempotencyTable = {
  TableName: 'Idempotency',
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
} as const satisfies CreateTableCommandInput;

/** Attributes DynamoDB's TTL deletes by; correctness never depends on it (dynalite has no TTL). */
export const timeToLiveAttribute = { accreditation: 'ttl', idempotency: 'expiration' } as const;
