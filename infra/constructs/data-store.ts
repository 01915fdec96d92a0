import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { accreditationTable, idempotencyTable, timeToLiveAttribute } from '../table-design.js';

/** The participant record (the truth) and Powertools' idempotency records. Key design: functions/data/store.ts. */
export class DataStore extends Construct {
  readonly table: Table;
  readonly idempotencyTable: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const durable = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    const [pk, sk] = accreditationTable.KeySchema;
    this.table = new Table(this, 'Accreditation', {
      ...durable,
      partitionKey: { name: pk.AttributeName, type: AttributeType.STRING },
      sortKey: { name: sk.AttributeName, type: AttributeType.STRING },
      timeToLiveAttribute: timeToLiveAttribute.accreditation,
      // Each participant record's change, old and new, for the milestones (infra/constructs/milestone-publishing.ts).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const index of accreditationTable.GlobalSecondaryIndexes) {
      const [ipk, isk] = index.KeySchema;
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: { name: ipk.AttributeName, type: AttributeType.STRING },
        sortKey: { name: isk.AttributeName, type: AttributeType.STRING },
        ...('NonKeyAttributes' in index.Projection
          ? {
              projectionType: ProjectionType.INCLUDE,
              nonKeyAttributes: [...index.Projection.NonKeyAttributes],
            }
          : {}),
      });
    }
    this.idempotencyTable = new Table(this, 'Idempotency', {
      ...durable,
      partitionKey: { name: idempotencyTable.KeySchema[0].AttributeName, type: AttributeType.STRING },
      timeToLiveAttribute: timeToLiveAttribute.idempotency,
    });
  }
}
