import { Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { reportKeyNameOf } from '../../tools/offboarding/offboarding-report.js';

/**
 * The HMAC-SHA256 key offboarding reports are signed with (`npm run offboard -- --end-of-contract`):
 * generated at deploy time, read only by the operator running the offboarding (no function has access),
 * so a report in the audit bucket can be checked for having been written by the tool.
 */
export class OffboardingReportKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: reportKeyNameOf(Stack.of(this).stackName),
      description: 'HMAC-SHA256 key that signs end-of-contract (offboarding) reports',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    const reason = 'Rotating the signing key would make earlier offboarding reports unverifiable; it signs evidence, it protects no data.';
    Validations.of(this.secret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
      { id: 'NIST.800.53.R5-SecretsManagerUsingKMSKey', reason: 'It signs reports and protects no personal data: the AWS managed key suffices.' },
    );
  }
}
