import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { RetainedLogGroup } from '../retention/retained-log-group.js';

export interface ApiFunctionProps {
  /** The handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly layers?: lambda.ILayerVersion[];
  /** The configured data retention: the function's log group keeps nothing longer. */
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
  /** @default 512 — the MMDB reader keeps the database in memory; more memory also buys CPU */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** Guarantees this function its share of the account's concurrency and caps it there (see AppConfig.reservedConcurrency). @default 50 */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Node.js 24 arm64 function bundled locally with esbuild (minified ESM, AWS SDK v3 from the runtime),
 * with its own encrypted log group whose retention follows the data retention, and a role that starts
 * with nothing but writing to that one log group (no AWSLambdaBasicExecutionRole, which allows every group).
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: RetainedLogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    this.logGroup = new RetainedLogGroup(this, 'Logs', {
      retentionDays: props.retentionDays,
      encryptionKey: props.logEncryptionKey,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      role: this.role,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 50,
      layers: props.layers,
      logGroup: this.logGroup.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: id,
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        externalModules: ['@aws-sdk/*', '@smithy/*'],
        // CommonJS dependencies (e.g. the MMDB reader) call require() for Node built-ins.
        banner: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);",
      },
    });
    acknowledgeApiFunctionFindings(this);
  }
}

function acknowledgeApiFunctionFindings(fn: ApiFunction): void {
  Validations.of(fn.function).acknowledge(
    {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason:
        'Never invoked asynchronously: API Gateway calls it synchronously (the caller gets the error) or an SQS event ' +
        "source mapping polls it (failures stay in the queue and go to that queue's dead-letter queue). A Lambda " +
        'dead-letter queue only catches asynchronous invocations.',
    },
    {
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason:
        'The function has no inbound network path and calls only AWS regional endpoints (TLS + SigV4); a VPC would add ' +
        'NAT or interface endpoints without narrowing what it can reach, which its IAM role already limits.',
    },
  );
  Validations.of(fn.role).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      "The function's permissions are an inline policy on purpose: it lives and dies with its one role and cannot be " +
      'attached to any other principal, which a customer-managed policy could.',
  });
}
