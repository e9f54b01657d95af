import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { RetainedLogGroup } from '../retention/retained-log-group.js';
import type { RegisterDocuments } from '../../tools/register/register-documents.js';

export interface RegisterPublicationProps {
  /** Where auditors find the register: the audit bucket. */
  readonly bucket: s3.IBucket;
  /** The bucket's SSE-KMS key: the upload encrypts with it. */
  readonly bucketKey: kms.IKey;
  /** e.g. `register/`: each document lands at `<keyPrefix><file name>` (names may contain folders). */
  readonly keyPrefix: string;
  readonly documents: RegisterDocuments;
  /** The uploader function logs (object keys, no personal data) with the data retention like every function. */
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

function contentType(file: string): string {
  const type = CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)];
  if (type === undefined) throw new Error(`no content type for register document ${file}`);
  return type;
}

/**
 * Stores the register (JSON and Markdown, and each controller's view) in a bucket on every deployment that changes it, with one
 * S3 PutObject per document made by CDK's AWS SDK custom resource. Its role may put objects under the
 * prefix and nothing else (no list, no delete); in an Object Lock bucket every published version stays
 * as evidence of what the register said when. The SHA-256 checksum satisfies Object Lock's integrity
 * requirement on uploads.
 */
export class RegisterPublication extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RegisterPublicationProps) {
    super(scope, id);
    const logs = new RetainedLogGroup(this, 'Logs', { retentionDays: props.retentionDays, encryptionKey: props.logEncryptionKey });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Publishes the Art. 30 register to the audit bucket',
    });
    logs.logGroup.grantWrite(this.role);
    const objectsArn = props.bucket.arnForObjects(`${props.keyPrefix}*`);
    iam.Grant.addToPrincipal({ grantee: this.role, actions: ['s3:PutObject'], resourceArns: [objectsArn] });
    props.bucketKey.grant(this.role, 'kms:GenerateDataKey', 'kms:Encrypt');

    for (const [file, body] of Object.entries(props.documents)) {
      const put = {
        service: 'S3',
        action: 'putObject',
        parameters: {
          Bucket: props.bucket.bucketName,
          Key: `${props.keyPrefix}${file}`,
          Body: body,
          ContentType: contentType(file),
          ChecksumAlgorithm: 'SHA256',
        },
        physicalResourceId: PhysicalResourceId.of(`${props.keyPrefix}${file}`),
        outputPaths: ['VersionId'],
      };
      // No onDelete: a removed stack leaves the published versions where they are.
      new AwsCustomResource(this, `Publish-${file.replaceAll('/', '-')}`, {
        onCreate: put,
        onUpdate: put,
        role: this.role,
        logGroup: logs.logGroup,
        installLatestAwsSdk: false,
      });
    }
    this.acknowledgeFindings(props);
  }

  private acknowledgeFindings(props: RegisterPublicationProps): void {
    const stack = Stack.of(this);
    // cdk-nag names a bucket of this stack by its logical id: `<Logical.Arn>/prefix*`.
    const bucketResource = props.bucket.node.defaultChild as CfnResource | undefined;
    const objects = bucketResource ? `<${stack.getLogicalId(bucketResource)}.Arn>/${props.keyPrefix}*` : `${props.bucket.bucketArn}/${props.keyPrefix}*`;
    Validations.of(this.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${objects}]`,
        reason: 'The uploader may put objects under the register prefix of the audit bucket only; the file names are fixed at synth (the register and one view per controller).',
      },
      {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: "The uploader's permissions are an inline policy of its own role, so they cannot be attached to any other principal.",
      },
    );
    const provider = stack.node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!provider) return;
    Validations.of(provider).acknowledge(
      { id: 'NIST.800.53.R5-LambdaConcurrency', reason: 'Runs only during CloudFormation deployments, one call per changed document.' },
      { id: 'NIST.800.53.R5-LambdaDLQ', reason: 'CloudFormation waits for its answer and fails (and rolls back) the deployment on error.' },
      {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason: 'Calls only the regional S3 endpoint with SigV4 over TLS; its role allows one action on one prefix.',
      },
    );
  }
}
