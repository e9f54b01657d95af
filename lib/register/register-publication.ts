import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { RetainedLogGroup } from '../retention/retained-log-group.js';
import type { RegisterDocuments } from './register-documents.js';

export interface RegisterPublicationProps {
  /** Where auditors find the register: the audit bucket. */
  readonly bucket: s3.IBucket;
  /** e.g. `register/`: the documents land at `<keyPrefix>register.json` and `<keyPrefix>register.md`. */
  readonly keyPrefix: string;
  readonly documents: RegisterDocuments;
  /** The uploader function logs (object keys, no personal data) with the data retention like every function. */
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
}

/**
 * Stores the register (JSON and Markdown) in a bucket on every deployment that changes it. Nothing
 * is pruned or deleted: in an Object Lock bucket each published version stays as evidence of what
 * the register said when.
 */
export class RegisterPublication extends Construct {
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: RegisterPublicationProps) {
    super(scope, id);
    const logs = new RetainedLogGroup(this, 'Logs', { retentionDays: props.retentionDays, encryptionKey: props.logEncryptionKey });
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      destinationBucket: props.bucket,
      destinationKeyPrefix: props.keyPrefix,
      sources: Object.entries(props.documents).map(([file, content]) => s3deploy.Source.data(file, content)),
      prune: false,
      retainOnDelete: true,
      logGroup: logs.logGroup,
    });
  }
}
