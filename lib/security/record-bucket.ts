import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What every bucket of records (breach register, audit trail) shares: Object Lock and versioning, its own
 * KMS key, never public, TLS only, owned by the account, kept when the stack goes. Retention, lifecycle and
 * access logging are each bucket's own.
 */
export function recordBucketProps(encryptionKey: kms.IKey) {
  return {
    objectLockEnabled: true,
    versioned: true,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  } satisfies s3.BucketProps;
}
