import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logRetentionWithin } from './log-retention.js';

export interface RetainedLogGroupProps {
  /** The configured data retention in days; the log group never keeps records longer. */
  readonly retentionDays: number;
  readonly encryptionKey: kms.IKey;
  /** A fixed name, for log groups AWS services write to by convention (API Gateway execution logs). */
  readonly logGroupName?: string;
}

/**
 * A KMS-encrypted log group whose retention is derived from the data retention. Logs can hold
 * (redacted) request context, so they follow the same limit as the personal data itself; on stack
 * deletion they go with it (end of contract: nothing left behind).
 */
export class RetainedLogGroup extends Construct {
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RetainedLogGroupProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: logRetentionWithin(props.retentionDays),
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
