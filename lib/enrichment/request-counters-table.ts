import { RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { COUNTER_LIFETIME_DAYS, REQUEST_COUNTERS_TABLE } from '../../lambdas/data-subject-requests/request-counters.js';
import { ITEM_TTL_TAG } from '../retention/retention-limits.js';

/**
 * Daily counters of the public data-subject-request route (per tenant and per hashed sender): a small
 * on-demand table whose items expire by TTL after two days. No point-in-time recovery: a lost counter
 * only resets a day's caps, and a backup would keep sender hashes past their two days.
 */
export class RequestCountersTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: REQUEST_COUNTERS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: REQUEST_COUNTERS_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Tags.of(this.table).add(ITEM_TTL_TAG, String(COUNTER_LIFETIME_DAYS));
    const reason =
      'Rate-limit counters that live two days: restoring them has no value, and a backup would keep hashed sender ' +
      'identifiers longer than their purpose needs.';
    Validations.of(this.table).acknowledge(
      { id: 'AwsSolutions-DDB3', reason },
      { id: 'NIST.800.53.R5-DynamoDBPITREnabled', reason },
      { id: 'NIST.800.53.R5-DynamoDBInBackupPlan', reason },
    );
  }

  /** Conditional counter updates (in a transaction) on this table only. */
  grantCounting(grantee: iam.IGrantable): void {
    this.table.grant(grantee, 'dynamodb:UpdateItem');
  }
}
