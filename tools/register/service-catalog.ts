import type { TemplateIndex } from '../../lib/retention/stack-templates.js';

/** CloudFormation namespace → the AWS service's name, as a DPO reads it in AWS's sub-processor documentation. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  ApiGateway: 'Amazon API Gateway',
  ApiGatewayV2: 'Amazon API Gateway',
  CloudTrail: 'AWS CloudTrail',
  CloudWatch: 'Amazon CloudWatch',
  DynamoDB: 'Amazon DynamoDB',
  Events: 'Amazon EventBridge',
  IAM: 'AWS Identity and Access Management (IAM)',
  KMS: 'AWS Key Management Service (KMS)',
  Kinesis: 'Amazon Kinesis Data Streams',
  KinesisFirehose: 'Amazon Data Firehose',
  Lambda: 'AWS Lambda',
  Logs: 'Amazon CloudWatch Logs',
  Organizations: 'AWS Organizations',
  S3: 'Amazon S3',
  SecretsManager: 'AWS Secrets Manager',
  SNS: 'Amazon SNS',
  SQS: 'Amazon SQS',
  SSM: 'AWS Systems Manager',
  StepFunctions: 'AWS Step Functions',
  WAFv2: 'AWS WAF',
};

/**
 * Global services: their control plane is not in the stack's region (IAM and Organizations are run
 * from us-east-1), whatever region the stack that declares their resources deploys to.
 */
const GLOBAL_SERVICES: Readonly<Record<string, string>> = {
  IAM: 'global (IAM is a global service: roles and policies are replicated to every region; its control plane is in us-east-1)',
  Organizations: 'global (AWS Organizations is run from us-east-1)',
};

/** Lambda-backed custom resources (Custom::*) are run by CloudFormation. */
const CUSTOM_RESOURCES = 'AWS CloudFormation (custom resources)';

export interface ServiceUse {
  readonly service: string;
  readonly regions: readonly string[];
  readonly resourceTypes: readonly string[];
}

/** Every AWS service the templates use, with the regions of the stacks that use it, or "global". */
export function servicesUsed(index: TemplateIndex): ServiceUse[] {
  const services = new Map<string, { regions: Set<string>; types: Set<string> }>();
  for (const stack of index.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      const service = serviceOf(resource.Type);
      const entry = services.get(service) ?? { regions: new Set(), types: new Set() };
      entry.regions.add(GLOBAL_SERVICES[namespaceOf(resource.Type)] ?? stack.region ?? 'unknown (environment-agnostic stack)');
      entry.types.add(resource.Type);
      services.set(service, entry);
    }
  }
  return [...services]
    .map(([service, { regions, types }]) => ({ service, regions: [...regions].sort(), resourceTypes: [...types].sort() }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

function serviceOf(type: string): string {
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return CUSTOM_RESOURCES;
  const namespace = namespaceOf(type);
  return SERVICE_NAMES[namespace] ?? `AWS ${namespace}`;
}

function namespaceOf(type: string): string {
  return type.split('::')[1] ?? type;
}
