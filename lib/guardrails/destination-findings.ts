import type { CfnResourceJson, TemplateScope } from './app-templates.js';
import { EU_GUARD_RULES, type EuGuardRule, type Finding } from './eu-guard-rules.js';
import { valuesAt } from './property-values.js';
import type { LocationKind, RegionProver } from './region-proof.js';

/**
 * Replicas, replication rules, backup copies and log or data destinations
 * whose region is outside the allowed list, or cannot be proven from the
 * templates (the guard fails closed on those).
 */
export function destinationFindings(resource: CfnResourceJson, scope: TemplateScope, prover: RegionProver): Finding[] {
  const properties = resource.Properties ?? {};
  const checked = DESTINATIONS.filter((d) => d.type === resource.Type && (d.applies?.(properties) ?? true)).flatMap((d) =>
    valuesAt(properties, d.path).flatMap(({ value, location }): Finding[] => {
      const proof = prover.prove(value, d.kind, scope);
      if (proof.verdict === 'inside') return [];
      const message =
        proof.verdict === 'outside'
          ? `${d.what} is in ${proof.region}, outside the allowed regions`
          : `${d.what} cannot be proven to stay in an allowed region: ${proof.reason}`;
      return [{ rule: d.rule, message, location }];
    }),
  );
  return [...checked, ...thirdPartyLogFindings(resource.Type, properties)];
}

/** Firehose destinations outside AWS: their location cannot be proven at all. */
function thirdPartyLogFindings(type: string, properties: Readonly<Record<string, unknown>>): Finding[] {
  if (type !== 'AWS::KinesisFirehose::DeliveryStream') return [];
  return ['HttpEndpointDestinationConfiguration', 'SplunkDestinationConfiguration', 'SnowflakeDestinationConfiguration']
    .filter((key) => properties[key] !== undefined)
    .map((key) => ({
      rule: EU_GUARD_RULES.destination,
      message: `the Firehose stream delivers to a service outside AWS (${key}), whose location cannot be proven`,
      location: `Properties/${key}`,
    }));
}

interface DestinationCheck {
  readonly rule: EuGuardRule;
  readonly type: string;
  /** Property path below Properties; `*` walks every element of a list. */
  readonly path: string;
  readonly kind: LocationKind;
  readonly what: string;
  readonly applies?: (properties: Readonly<Record<string, unknown>>) => boolean;
}

const { replica, s3Replication, backupCopy, destination } = EU_GUARD_RULES;

const FIREHOSE_DESTINATIONS = [
  'ExtendedS3DestinationConfiguration',
  'S3DestinationConfiguration',
  'AmazonopensearchserviceDestinationConfiguration',
  'AmazonOpenSearchServerlessDestinationConfiguration',
  'ElasticsearchDestinationConfiguration',
  'RedshiftDestinationConfiguration',
  'IcebergDestinationConfiguration',
  'HttpEndpointDestinationConfiguration',
  'SplunkDestinationConfiguration',
  'SnowflakeDestinationConfiguration',
];

/** SNS protocols whose endpoint is an AWS resource ARN (the others are addresses: e-mail, HTTPS, SMS, apps). */
const SNS_ARN_PROTOCOLS = ['sqs', 'lambda', 'firehose'];

const DESTINATIONS: readonly DestinationCheck[] = [
  { rule: replica, type: 'AWS::DynamoDB::GlobalTable', path: 'Replicas/*/Region', kind: 'region', what: 'a DynamoDB global table replica' },
  { rule: replica, type: 'AWS::DynamoDB::GlobalTable', path: 'GlobalTableWitnesses/*/Region', kind: 'region', what: 'a DynamoDB global table witness' },
  { rule: replica, type: 'Custom::DynamoDBReplica', path: 'Region', kind: 'region', what: 'a DynamoDB table replica (Table.replicationRegions)' },
  { rule: replica, type: 'AWS::SecretsManager::Secret', path: 'ReplicaRegions/*/Region', kind: 'region', what: 'a Secrets Manager secret replica' },
  { rule: replica, type: 'AWS::ECR::ReplicationConfiguration', path: 'ReplicationConfiguration/Rules/*/Destinations/*/Region', kind: 'region', what: 'an ECR replication destination' },
  { rule: s3Replication, type: 'AWS::S3::Bucket', path: 'ReplicationConfiguration/Rules/*/Destination/Bucket', kind: 'arn', what: 'the S3 replication destination bucket' },
  { rule: backupCopy, type: 'AWS::Backup::BackupPlan', path: 'BackupPlan/BackupPlanRule/*/CopyActions/*/DestinationBackupVaultArn', kind: 'arn', what: 'the backup copy destination vault' },
  { rule: destination, type: 'AWS::Logs::SubscriptionFilter', path: 'DestinationArn', kind: 'arn', what: 'the log subscription destination' },
  { rule: destination, type: 'AWS::Logs::Destination', path: 'TargetArn', kind: 'arn', what: 'the cross-account log destination target' },
  { rule: destination, type: 'AWS::Logs::DeliveryDestination', path: 'DestinationResourceArn', kind: 'arn', what: 'the log delivery destination' },
  { rule: destination, type: 'AWS::CloudTrail::Trail', path: 'S3BucketName', kind: 'bucket-name', what: 'the CloudTrail log bucket' },
  { rule: destination, type: 'AWS::CloudTrail::Trail', path: 'CloudWatchLogsLogGroupArn', kind: 'arn', what: 'the CloudTrail log group' },
  { rule: destination, type: 'AWS::ApiGateway::Stage', path: 'AccessLogSetting/DestinationArn', kind: 'arn', what: 'the API access log destination' },
  { rule: destination, type: 'AWS::ApiGatewayV2::Stage', path: 'AccessLogSettings/DestinationArn', kind: 'arn', what: 'the API access log destination' },
  { rule: destination, type: 'AWS::WAFv2::LoggingConfiguration', path: 'LogDestinationConfigs/*', kind: 'arn', what: 'the WAF log destination' },
  { rule: destination, type: 'AWS::EC2::FlowLog', path: 'LogDestination', kind: 'arn', what: 'the VPC flow log destination' },
  { rule: destination, type: 'AWS::Route53::HostedZone', path: 'QueryLoggingConfig/CloudWatchLogsLogGroupArn', kind: 'arn', what: 'the DNS query log group' },
  { rule: destination, type: 'AWS::Route53Resolver::ResolverQueryLoggingConfig', path: 'DestinationArn', kind: 'arn', what: 'the Resolver query log destination' },
  { rule: destination, type: 'AWS::Events::Rule', path: 'Targets/*/Arn', kind: 'arn', what: 'the EventBridge rule target' },
  { rule: destination, type: 'AWS::DynamoDB::Table', path: 'KinesisStreamSpecification/StreamArn', kind: 'arn', what: 'the DynamoDB change stream destination' },
  {
    rule: destination,
    type: 'AWS::SNS::Subscription',
    path: 'Endpoint',
    kind: 'arn',
    what: 'the SNS subscription endpoint',
    applies: (p) => typeof p.Protocol !== 'string' || SNS_ARN_PROTOCOLS.includes(p.Protocol),
  },
  ...FIREHOSE_DESTINATIONS.flatMap((config): DestinationCheck[] =>
    ['BucketARN', 'S3Configuration/BucketARN', 'S3BackupConfiguration/BucketARN', 'DomainARN', 'CatalogConfiguration/CatalogArn'].map((field) => ({
      rule: destination,
      type: 'AWS::KinesisFirehose::DeliveryStream',
      path: `${config}/${field}`,
      kind: 'arn',
      what: `the Firehose destination (${config}/${field})`,
    })),
  ),
];
