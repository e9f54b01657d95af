import type { SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';

type Json = any;

const ARN_OF: Record<string, (id: string, self: TemplatePolicies) => string> = {
  'AWS::S3::Bucket': (id, t) => `arn:aws:s3:::${t.ref(id)}`,
  'AWS::IAM::Role': (id, t) => `arn:aws:iam::${t.account}:role/${id}`,
  'AWS::KMS::Key': (id, t) => `arn:aws:kms:${t.region}:${t.account}:key/${t.ref(id)}`,
  'AWS::SQS::Queue': (id, t) => `arn:aws:sqs:${t.region}:${t.account}:${id}`,
  'AWS::SNS::Topic': (id, t) => t.ref(id),
  'AWS::Lambda::Function': (id, t) => `arn:aws:lambda:${t.region}:${t.account}:function:${id}`,
  'AWS::Logs::LogGroup': (id, t) => `arn:aws:logs:${t.region}:${t.account}:log-group:${t.ref(id)}:*`,
  'AWS::IAM::ManagedPolicy': (id, t) => t.ref(id),
  'AWS::SecretsManager::Secret': (id, t) => t.ref(id),
  'AWS::DynamoDB::Table': (id, t) => `arn:aws:dynamodb:${t.region}:${t.account}:table/${t.ref(id)}`,
};

const REF_OF: Record<string, (id: string, resource: Json, self: TemplatePolicies) => string> = {
  'AWS::S3::Bucket': (id) => `bucket-${id.toLowerCase()}`,
  'AWS::IAM::Role': (id) => id,
  'AWS::KMS::Key': (id) => `key-${id.toLowerCase()}`,
  'AWS::SQS::Queue': (id, _r, t) => `https://sqs.${t.region}.amazonaws.com/${t.account}/${id}`,
  'AWS::SNS::Topic': (id, r, t) => `arn:aws:sns:${t.region}:${t.account}:${r.Properties?.TopicName ? t.resolve(r.Properties.TopicName) : id}`,
  'AWS::Lambda::Function': (id) => id,
  'AWS::Logs::LogGroup': (id, r, t) => (r.Properties?.LogGroupName ? t.resolve(r.Properties.LogGroupName) : `/aws/lambda/${id}`),
  'AWS::ApiGateway::RestApi': (id) => `api${id.toLowerCase().slice(0, 6)}`,
  'AWS::ApiGateway::Stage': (_id, r) => r.Properties.StageName,
  'AWS::IAM::ManagedPolicy': (id, _r, t) => `arn:aws:iam::${t.account}:policy/${id}`,
  'AWS::DynamoDB::Table': (id) => `table-${id.toLowerCase()}`,
  'AWS::SecretsManager::Secret': (id, r, t) => `arn:aws:secretsmanager:${t.region}:${t.account}:secret:${r.Properties?.Name ? t.resolve(r.Properties.Name) : id}-AbCdEf`,
};

/**
 * A synthesized template's IAM policies with every intrinsic function resolved to concrete ARNs
 * (deterministic stand-ins for physical names), in the form @cloud-copilot/iam-simulate evaluates.
 */
export class TemplatePolicies {
  private readonly resources: Record<string, Json>;

  constructor(
    template: Json,
    readonly account: string,
    readonly region: string,
    private readonly stackName: string,
  ) {
    this.resources = template.Resources;
  }

  logicalIds(type: string): string[] {
    return Object.entries(this.resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([id]) => id);
  }

  /** The one logical id of a type whose id starts with the given construct path prefix (ids embed the path). */
  logicalId(type: string, prefix: string): string {
    const ids = this.logicalIds(type).filter((id) => id.startsWith(prefix));
    if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
    return ids[0]!;
  }

  ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::AccountId': this.account,
      'AWS::Region': this.region,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
    };
    if (pseudo[id]) return pseudo[id];
    const resource = this.resources[id];
    const refOf = resource && REF_OF[resource.Type];
    if (!refOf) throw new Error(`cannot resolve Ref ${id} (${resource?.Type})`);
    return refOf(id, resource, this);
  }

  arn(id: string): string {
    const resource = this.resources[id];
    const arnOf = resource && ARN_OF[resource.Type];
    if (!arnOf) throw new Error(`cannot resolve the ARN of ${id} (${resource?.Type})`);
    return arnOf(id, this);
  }

  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value) return this.ref(value.Ref);
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = value['Fn::GetAtt'];
      if (attribute !== 'Arn') throw new Error(`cannot resolve GetAtt ${id}.${attribute}`);
      return this.arn(id);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return (this.resolve(parts) as string[]).join(separator);
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'];
      return (this.resolve(list) as string[])[index];
    }
    if ('Fn::Split' in value) {
      const [separator, text] = value['Fn::Split'];
      return (this.resolve(text) as string).split(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolve(item)]));
  }

  /** Every identity policy attached to a role: its generated (inline) policies and customer-managed ones. */
  identityPolicies(roleId: string): SimulationIdentityPolicy[] {
    const attachedTo = (resource: Json) => (resource.Properties.Roles ?? []).some((role: Json) => role.Ref === roleId);
    const role = this.resources[roleId];
    const inline = (role.Properties.Policies ?? []).map((p: Json) => ({ name: p.PolicyName, policy: this.resolve(p.PolicyDocument) }));
    const generated = [...this.logicalIds('AWS::IAM::Policy'), ...this.logicalIds('AWS::IAM::ManagedPolicy')]
      .filter((id) => attachedTo(this.resources[id]))
      .map((id) => ({ name: id, policy: this.resolve(this.resources[id].Properties.PolicyDocument) }));
    const managedArns = (role.Properties.ManagedPolicyArns ?? []).map((arn: Json) => this.resolve(arn) as string);
    for (const arn of managedArns) {
      if (!arn.startsWith(`arn:aws:iam::${this.account}:policy/`)) throw new Error(`role ${roleId} has an AWS managed policy ${arn}; model it explicitly`);
    }
    const managed = managedArns.map((arn: string) => {
      const id = arn.split('/').at(-1)!;
      return { name: id, policy: this.resolve(this.resources[id].Properties.PolicyDocument) };
    });
    return [...inline, ...generated, ...managed];
  }

  bucketPolicy(bucketId: string): Json {
    const id = this.logicalIds('AWS::S3::BucketPolicy').find((p) => this.resources[p].Properties.Bucket.Ref === bucketId);
    if (!id) throw new Error(`no bucket policy for ${bucketId}`);
    return this.resolve(this.resources[id].Properties.PolicyDocument);
  }

  topicPolicy(topicId: string): Json | undefined {
    const id = this.logicalIds('AWS::SNS::TopicPolicy').find((p) => this.resources[p].Properties.Topics.some((t: Json) => t.Ref === topicId));
    return id ? this.resolve(this.resources[id].Properties.PolicyDocument) : undefined;
  }

  secretPolicy(secretId: string): Json {
    const id = this.logicalIds('AWS::SecretsManager::ResourcePolicy').find((p) => this.resources[p].Properties.SecretId.Ref === secretId);
    if (!id) throw new Error(`no resource policy for ${secretId}`);
    return this.resolve(this.resources[id].Properties.ResourcePolicy);
  }

  keyPolicy(keyId: string): Json {
    return this.resolve(this.resources[keyId].Properties.KeyPolicy);
  }
}
