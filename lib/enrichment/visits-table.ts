import { RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import { ITEM_TTL_TAG, itemTtlDays } from '../retention/retention-limits.js';

/** What DynamoDB needs of the caller's key permissions to read and write items of a CMK-encrypted table. */
const ITEM_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

export interface VisitsTableProps {
  /** The data retention, counting every copy: item lifetime + TTL deletion delay + recovery window fit in it. */
  readonly retentionDays: number;
  /** Point-in-time recovery window in days (0 = off). */
  readonly pointInTimeRecoveryDays: number;
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
  /** How long a visit lives before its TTL (the visits function sets expiresAt this far ahead). */
  readonly itemTtlDays: number;

  constructor(scope: Construct, id: string, props: VisitsTableProps) {
    super(scope, id);
    this.itemTtlDays = itemTtlDays(props.retentionDays, props.pointInTimeRecoveryDays);
    if (this.itemTtlDays < 1) throw new Error(`retention of ${props.retentionDays} days leaves no item lifetime after TTL delay and recovery window`);
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
      pointInTimeRecoverySpecification:
        props.pointInTimeRecoveryDays === 0
          ? { pointInTimeRecoveryEnabled: false }
          : { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: props.pointInTimeRecoveryDays },
      timeToLiveAttribute: VISITS_TABLE.ttlAttribute,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Tags.of(this.table).add(ITEM_TTL_TAG, String(this.itemTtlDays));
    this.table.addGlobalSecondaryIndex({
      indexName: VISITS_TABLE.visitorIndex.name,
      partitionKey: { name: VISITS_TABLE.visitorIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: VISITS_TABLE.visitorIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    Validations.of(this.table).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        'Backups are point-in-time recovery limited to the retention period. An AWS Backup plan would keep copies of ' +
        "personal data beyond the controller's retention and outside the reach of erasure and end-of-contract deletion.",
    });
  }

  /**
   * Item-level actions on the base table only (not its indexes: the visitor index is granted on its own,
   * to the one function that serves access and erasure requests), with the key use they need.
   */
  grantItemAccess(grantee: iam.IGrantable, ...actions: string[]): void {
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.table.tableArn] });
    this.grantKeyUseThroughDynamoDb(grantee, ...ITEM_KEY_ACTIONS);
  }

  /** Query on the visitor index alone (find a data subject's visits by pseudonym). */
  grantVisitorIndexQuery(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${VISITS_TABLE.visitorIndex.name}`],
    });
    this.grantKeyUseThroughDynamoDb(grantee, 'kms:Decrypt', 'kms:DescribeKey');
  }

  /** The table's key, usable only through DynamoDB (kms:ViaService): the role cannot decrypt anything else with it. */
  private grantKeyUseThroughDynamoDb(grantee: iam.IGrantable, ...actions: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
    });
  }
}
