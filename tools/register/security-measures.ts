import type { RetainedStore } from '../../lib/retention/retained-stores.js';
import { directTarget, isObject, type ResourceRef, type TemplateIndex } from '../../lib/retention/stack-templates.js';
import { functionRole, methodRoute } from './function-inventory.js';
import { registerResource, type SecurityMeasure } from './register-model.js';

type Resource = ResourceRef & { readonly properties: Readonly<Record<string, unknown>> };

/** The environment variable through which the visits function finds its HMAC secret (lib/enrichment-stack.ts). */
const PSEUDONYM_SECRET_VARIABLE = 'PSEUDONYM_SECRET_ARN';

/**
 * The technical measures actually deployed, each with the resources that implement it. A measure
 * with no resource behind it is left out: the register only claims what the templates contain.
 */
export function securityMeasures(index: TemplateIndex, stores: readonly RetainedStore[]): SecurityMeasure[] {
  const all = (type: string) => [...index.resources(type)];
  const measures: Array<Omit<SecurityMeasure, 'evidence'> & { evidence: ResourceRef[] }> = [
    {
      id: 'customer-managed-keys-with-rotation',
      article32: ['a'],
      title: 'Customer-managed encryption keys with automatic rotation',
      description: 'Customer-managed AWS KMS keys, one per concern (visit data, logs, audit trail, records), rotated automatically every year; key policies limit which services and principals may use them.',
      evidence: all('AWS::KMS::Key').filter((key) => key.properties.EnableKeyRotation === true),
    },
    {
      id: 'encryption-at-rest-customer-managed-key',
      article32: ['a'],
      title: 'Encryption at rest with a customer-managed key',
      description: 'Tables, log groups, buckets, secrets, queues, topics and the audit trail listed here are encrypted with a KMS key defined in these templates.',
      evidence: [...index.resources()].filter((resource) => encryptedWithTemplateKey(index, resource)),
    },
    {
      id: 'tls-only-resource-policies',
      article32: ['a', 'b'],
      title: 'Encryption in transit enforced by resource policies',
      description: 'Resource policies deny every request that does not use TLS (aws:SecureTransport is false).',
      evidence: tlsOnlyResources(index),
    },
    {
      id: 'https-only-regional-api',
      article32: ['a', 'b'],
      title: 'HTTPS-only regional API endpoint',
      description: 'API Gateway serves HTTPS only; the endpoint is REGIONAL (no edge locations outside the deployment region).',
      evidence: all('AWS::ApiGateway::RestApi').filter((api) => endpointTypes(api).every((type) => type === 'REGIONAL' || type === 'PRIVATE') && endpointTypes(api).length > 0),
    },
    {
      id: 'object-lock',
      article32: ['b'],
      title: 'Write-once records (S3 Object Lock)',
      description: `Objects cannot be altered or deleted before their retention ends: ${lockedBuckets(index).map(describeLock).join('; ')}.`,
      evidence: lockedBuckets(index),
    },
    {
      id: 'block-public-access',
      article32: ['b'],
      title: 'S3 Block Public Access',
      description: 'Public ACLs and public bucket policies are blocked and ignored.',
      evidence: all('AWS::S3::Bucket').filter(blocksAllPublicAccess),
    },
    {
      id: 'web-application-firewall',
      article32: ['b'],
      title: 'Web application firewall in front of the API',
      description: `AWS WAF web ACL associated with the API stage, rules: ${webAclRuleNames(associatedWebAcls(index)).join(', ')}.`,
      evidence: associatedWebAcls(index),
    },
    {
      id: 'api-keys-and-usage-plans',
      article32: ['b'],
      title: 'Per-controller API keys, throttling and quotas',
      description: apiAccessDescription(index),
      evidence: [
        ...all('AWS::ApiGateway::Method').filter((method) => method.properties.ApiKeyRequired === true),
        ...all('AWS::ApiGateway::UsagePlan').filter((plan) => isObject(plan.properties.Throttle) && isObject(plan.properties.Quota)),
      ],
    },
    {
      id: 'scoped-function-permissions',
      article32: ['b'],
      title: 'Least-privilege function roles',
      description: 'The roles of these functions allow only named actions on named resources of these templates (no wildcard actions or resources, no managed policies).',
      evidence: all('AWS::Lambda::Function').filter((fn) => roleIsScoped(index, fn)),
    },
    {
      id: 'audit-trail',
      article32: ['b', 'd'],
      title: 'Tamper-evident audit trail',
      description: 'A multi-region CloudTrail trail with log-file validation records management events and data events (item and object level) of the stores it names.',
      evidence: all('AWS::CloudTrail::Trail').filter(
        (trail) => trail.properties.EnableLogFileValidation === true && trail.properties.IsMultiRegionTrail === true && recordsDataEvents(trail),
      ),
    },
    {
      id: 'access-logs-without-client-ip',
      article32: ['b'],
      title: 'Access logging without the client IP',
      description: 'API access logs record request id, route, status, latency and API key id, but neither the caller\'s IP address nor the request path (which can hold an IP); request and response bodies are never logged.',
      evidence: all('AWS::ApiGateway::Stage').filter(logsWithoutClientAddress),
    },
    {
      id: 'point-in-time-recovery',
      article32: ['c'],
      title: 'Point-in-time recovery of the tables',
      description: 'Tables can be restored to any second of their recovery window (section 6 lists each window).',
      evidence: all('AWS::DynamoDB::Table').filter((table) => isObject(table.properties.PointInTimeRecoverySpecification) && table.properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled === true),
    },
    {
      id: 'deletion-protection',
      article32: ['b', 'c'],
      title: 'Deletion protection of the tables',
      description: 'A table cannot be deleted (by a stack update or by hand) while deletion protection is on.',
      evidence: all('AWS::DynamoDB::Table').filter((table) => table.properties.DeletionProtectionEnabled === true),
    },
    {
      id: 'pseudonymisation',
      article32: ['a'],
      title: 'Pseudonymisation of the IP address',
      description: 'The visits function stores a keyed HMAC of the visitor address, never the address; the key is generated by Secrets Manager at deployment, in neither the code nor the template.',
      evidence: pseudonymisation(index),
    },
    {
      id: 'retention-enforced',
      article32: ['b'],
      title: 'Retention enforced per store',
      description: 'These stores expire their data within the configured retention (section 6 lists every store, including any that does not).',
      evidence: uniqueResources(stores.filter((store) => store.problems.length === 0).map((store) => store.resource)),
    },
    {
      id: 'region-deny-guardrail',
      article32: ['b'],
      title: 'Organization-wide EU region guardrail',
      description: 'A service control policy denies every action outside the allowed EU regions to every principal of the targeted accounts (except a configured break-glass role, if any).',
      evidence: all('AWS::Organizations::Policy').filter((policy) => policy.properties.Type === 'SERVICE_CONTROL_POLICY'),
    },
  ];
  return measures
    .filter((measure) => measure.evidence.length > 0)
    .map((measure) => ({ ...measure, evidence: measure.evidence.map(registerResource) }));
}

const ENCRYPTION_KEY_PROPERTY: Readonly<Record<string, (properties: Readonly<Record<string, unknown>>) => unknown>> = {
  'AWS::DynamoDB::Table': (p) => (isObject(p.SSESpecification) ? p.SSESpecification.KMSMasterKeyId : undefined),
  'AWS::Logs::LogGroup': (p) => p.KmsKeyId,
  'AWS::S3::Bucket': (p) => {
    const rules = isObject(p.BucketEncryption) && Array.isArray(p.BucketEncryption.ServerSideEncryptionConfiguration) ? p.BucketEncryption.ServerSideEncryptionConfiguration : [];
    const byDefault = rules.filter(isObject).map((rule) => rule.ServerSideEncryptionByDefault).find(isObject);
    return byDefault?.SSEAlgorithm === 'aws:kms' ? byDefault.KMSMasterKeyID : undefined;
  },
  'AWS::SecretsManager::Secret': (p) => p.KmsKeyId,
  'AWS::SQS::Queue': (p) => p.KmsMasterKeyId,
  'AWS::SNS::Topic': (p) => p.KmsMasterKeyId,
  'AWS::CloudTrail::Trail': (p) => p.KMSKeyId,
};

function encryptedWithTemplateKey(index: TemplateIndex, resource: Resource): boolean {
  const keyOf = ENCRYPTION_KEY_PROPERTY[resource.type];
  return keyOf !== undefined && index.target(resource, keyOf(resource.properties), 'AWS::KMS::Key') !== undefined;
}

const POLICY_TARGETS: ReadonlyArray<[string, (properties: Readonly<Record<string, unknown>>) => unknown[]]> = [
  ['AWS::S3::BucketPolicy', (p) => [p.Bucket]],
  ['AWS::SNS::TopicPolicy', (p) => (Array.isArray(p.Topics) ? p.Topics : [])],
  ['AWS::SQS::QueuePolicy', (p) => (Array.isArray(p.Queues) ? p.Queues : [])],
];

function tlsOnlyResources(index: TemplateIndex): ResourceRef[] {
  return POLICY_TARGETS.flatMap(([type, targets]) =>
    [...index.resources(type)]
      .filter((policy) => deniesInsecureTransport(policy.properties.PolicyDocument))
      .flatMap((policy) => targets(policy.properties).flatMap((target) => {
        const id = directTarget(target);
        const resource = id === undefined ? undefined : index.resource(policy.stackName, id);
        return resource ? [resource] : [];
      })),
  );
}

function deniesInsecureTransport(document: unknown): boolean {
  const statements = isObject(document) && Array.isArray(document.Statement) ? document.Statement.filter(isObject) : [];
  return statements.some(
    (s) => s.Effect === 'Deny' && isObject(s.Condition) && isObject(s.Condition.Bool) && String(s.Condition.Bool['aws:SecureTransport']) === 'false',
  );
}

/** What each API method requires of its caller, from the methods' properties: key, IAM signature or nothing. */
function apiAccessDescription(index: TemplateIndex): string {
  const methods = [...index.resources('AWS::ApiGateway::Method')];
  const routesWhere = (test: (p: Readonly<Record<string, unknown>>) => boolean) =>
    methods.filter((m) => test(m.properties)).map((m) => methodRoute(index, m)).sort();
  const keyed = routesWhere((p) => p.ApiKeyRequired === true);
  const signed = routesWhere((p) => p.ApiKeyRequired !== true && p.AuthorizationType === 'AWS_IAM');
  const open = routesWhere((p) => p.ApiKeyRequired !== true && p.AuthorizationType !== 'AWS_IAM');
  return [
    `${keyed.length} API method(s) require a controller's API key (${keyed.join(', ')}); each controller has its own key and usage plan (rate, burst, monthly quota), and the functions map keys to tenants so no controller reaches another controller's data.`,
    signed.length > 0 ? `Operator method(s) ${signed.join(', ')} take no API key but an AWS SigV4 signature of an IAM principal allowed execute-api:Invoke.` : '',
    open.length > 0 ? `Public method(s) ${open.join(', ')} take neither (data subjects have no account): they are throttled per method and by the firewall's per-IP limit, and store nothing.` : '',
  ].filter(Boolean).join(' ');
}

function endpointTypes(api: Resource): unknown[] {
  const config = api.properties.EndpointConfiguration;
  return isObject(config) && Array.isArray(config.Types) ? config.Types : [];
}

function lockedBuckets(index: TemplateIndex): Resource[] {
  return [...index.resources('AWS::S3::Bucket')].filter((bucket) => bucket.properties.ObjectLockEnabled === true && defaultLockRetention(bucket) !== undefined);
}

function defaultLockRetention(bucket: Resource): Record<string, unknown> | undefined {
  const config = bucket.properties.ObjectLockConfiguration;
  const retention = isObject(config) && isObject(config.Rule) && isObject(config.Rule.DefaultRetention) ? config.Rule.DefaultRetention : undefined;
  return retention !== undefined && typeof retention.Mode === 'string' ? retention : undefined;
}

/** `<path>: COMPLIANCE, 400 days`. */
function describeLock(bucket: Resource): string {
  const retention = defaultLockRetention(bucket)!;
  const period = retention.Years !== undefined ? `${String(retention.Years)} years` : `${String(retention.Days)} days`;
  return `${bucket.constructPath ?? bucket.logicalId}: ${String(retention.Mode)}, ${period}`;
}

function associatedWebAcls(index: TemplateIndex): Resource[] {
  const associations = [...index.resources('AWS::WAFv2::WebACLAssociation')];
  return [...index.resources('AWS::WAFv2::WebACL')].filter((acl) =>
    associations.some((a) => a.stackName === acl.stackName && directTarget(a.properties.WebACLArn) === acl.logicalId),
  );
}

function webAclRuleNames(acls: Resource[]): string[] {
  return acls.flatMap((acl) => (Array.isArray(acl.properties.Rules) ? acl.properties.Rules.filter(isObject).map((rule) => String(rule.Name)) : []));
}

function recordsDataEvents(trail: Resource): boolean {
  const selectors = Array.isArray(trail.properties.AdvancedEventSelectors) ? trail.properties.AdvancedEventSelectors.filter(isObject) : [];
  return selectors.some(
    (selector) =>
      Array.isArray(selector.FieldSelectors) &&
      selector.FieldSelectors.some((f) => isObject(f) && f.Field === 'eventCategory' && Array.isArray(f.Equals) && f.Equals.includes('Data')),
  );
}

function blocksAllPublicAccess(bucket: Resource): boolean {
  const block = bucket.properties.PublicAccessBlockConfiguration;
  return isObject(block) && ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((flag) => block[flag] === true);
}

/** The function's role has no managed policy and no Allow statement with a wildcard action or resource. */
function roleIsScoped(index: TemplateIndex, fn: Resource): boolean {
  const role = functionRole(index, fn);
  return (
    role.managedPolicyArns.length === 0 &&
    role.statements.length > 0 &&
    role.statements
      .filter((s) => s.Effect === 'Allow')
      .every((s) => {
        const actions = [s.Action].flat().map(String);
        const resources = [s.Resource].flat();
        return !actions.some((a) => a === '*' || a.endsWith(':*')) && !resources.some((r) => r === '*' || r === undefined);
      })
  );
}

function logsWithoutClientAddress(stage: Resource): boolean {
  const access = stage.properties.AccessLogSetting;
  const format = isObject(access) && typeof access.Format === 'string' ? access.Format : undefined;
  const settings = Array.isArray(stage.properties.MethodSettings) ? stage.properties.MethodSettings.filter(isObject) : [];
  return (
    format !== undefined &&
    !/sourceIp|xForwardedFor|\$context\.path\b|identity\.clientCert/i.test(format) &&
    settings.every((s) => s.DataTraceEnabled !== true)
  );
}

function pseudonymisation(index: TemplateIndex): ResourceRef[] {
  return [...index.resources('AWS::Lambda::Function')].flatMap((fn) => {
    const variables = isObject(fn.properties.Environment) && isObject(fn.properties.Environment.Variables) ? fn.properties.Environment.Variables : {};
    const secret = index.target(fn, variables[PSEUDONYM_SECRET_VARIABLE], 'AWS::SecretsManager::Secret');
    return secret && index.properties(secret).GenerateSecretString !== undefined ? [fn, secret] : [];
  });
}

function uniqueResources(resources: ResourceRef[]): ResourceRef[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    const key = `${r.stackName}/${r.logicalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
