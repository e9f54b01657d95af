import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';

export interface VisitsTableProps {
  /** @default RemovalPolicy.RETAIN — a stack update must never silently drop the controller's data */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The visits table: on-demand, point-in-time recovery, encrypted with its own customer-managed key,
 * TTL on `expiresAt`, keyed per tenant (see lambdas/shared/visits/table-schema.ts).
 */
export class VisitsTable extends Construct {
  readonly table: dynamodb.Table;
  readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: VisitsTableProps = {}) {
    super(scope, id);
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts the visits table (pseudonymised visitor data)',
      enableKeyRotation: true,
    });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: VISITS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: VISITS_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: VISITS_TABLE.ttlAttribute,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: VISITS_TABLE.visitorIndex.name,
      partitionKey: { name: VISITS_TABLE.visitorIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: VISITS_TABLE.visitorIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }
}
