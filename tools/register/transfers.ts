import type { AppConfig } from '../../lib/config/app-config.js';
import { isEuRegion } from '../../lib/eu-regions.js';
import { describeResource, isObject, type TemplateIndex } from '../../lib/retention/stack-templates.js';
import type { Register } from './register-model.js';

/**
 * Transfers to third countries: none, with the reasons the templates and the configuration give.
 * Refuses to produce a register for a stack outside the EU (or without a fixed region) rather than
 * claim something untrue.
 */
export function transfers(index: TemplateIndex, config: AppConfig): Register['transfers'] {
  for (const stack of index.stacks) {
    if (stack.region === undefined || !isEuRegion(stack.region)) {
      throw new Error(`stack ${stack.stackName} deploys to ${stack.region ?? 'an unspecified region'}, not an EU region: no register can claim "no third-country transfers"`);
    }
  }
  const regions = [...new Set(index.stacks.map((stack) => stack.region!))].sort();
  const safeguards = [
    `Every stack deploys to ${regions.join(', ')} (EU), fixed in the configuration (region must be ${config.region}).`,
    'Every synth runs the EU guard (lib/guardrails), which fails on anything that could process or store data outside the allowed EU regions: edge endpoints, CloudFront, cross-region replicas, replication or backup copies.',
    ...regionDenyPolicies(index, config),
    ...regionalApis(index),
    ...noCopiesOutsideTheRegion(index),
    'AWS processes the data only in the region of each resource; remote access by AWS personnel is governed by the AWS Data Processing Addendum (with its Standard Contractual Clauses).',
  ];
  return { thirdCountryTransfers: 'none', regions, safeguards };
}

function regionDenyPolicies(index: TemplateIndex, config: AppConfig): string[] {
  const deployed = [...index.resources('AWS::Organizations::Policy')]
    .filter((policy) => policy.properties.Type === 'SERVICE_CONTROL_POLICY')
    .map((policy) => `Service control policy ${describeResource(policy)} denies actions in regions other than ${deniedOutside(policy.properties.Content).join(', ')}.`);
  if (deployed.length > 0) return deployed;
  return [
    `Service control policy (guardrail stack, deployed from the organization's management account): denies actions outside ${config.allowedRegions.join(', ')}` +
      (config.guardrailTargets.length > 0 ? ` for ${config.guardrailTargets.join(', ')}.` : '; no targets configured yet (guardrailTargets).'),
  ];
}

/** The regions in `StringNotEquals: { aws:RequestedRegion: [...] }` of a region-deny SCP. */
function deniedOutside(content: unknown): string[] {
  const document = typeof content === 'string' ? (JSON.parse(content) as unknown) : content;
  const statements = isObject(document) && Array.isArray(document.Statement) ? document.Statement.filter(isObject) : [];
  return statements.flatMap((s) => {
    const condition = isObject(s.Condition) && isObject(s.Condition.StringNotEquals) ? s.Condition.StringNotEquals['aws:RequestedRegion'] : undefined;
    return Array.isArray(condition) ? condition.map(String) : [];
  });
}

function regionalApis(index: TemplateIndex): string[] {
  const apis = [...index.resources('AWS::ApiGateway::RestApi')];
  const regional = apis.filter((api) => {
    const config = api.properties.EndpointConfiguration;
    return isObject(config) && Array.isArray(config.Types) && config.Types.every((type) => type === 'REGIONAL' || type === 'PRIVATE');
  });
  return apis.length > 0 && regional.length === apis.length
    ? ['The API endpoint is REGIONAL: requests are not routed through CloudFront edge locations worldwide.']
    : [];
}

const COPY_MECHANISMS: ReadonlyArray<[string, string]> = [
  ['AWS::DynamoDB::GlobalTable', 'DynamoDB global tables'],
  ['AWS::Backup::BackupPlan', 'AWS Backup plans'],
  ['AWS::CloudFront::Distribution', 'CloudFront distributions'],
];

function noCopiesOutsideTheRegion(index: TemplateIndex): string[] {
  const present = COPY_MECHANISMS.filter(([type]) => !index.resources(type).next().done);
  const replicatedBuckets = [...index.resources('AWS::S3::Bucket')].filter((bucket) => bucket.properties.ReplicationConfiguration !== undefined);
  return present.length === 0 && replicatedBuckets.length === 0
    ? ['No global tables, bucket replication, backup copies or CloudFront distributions: no copy of the data is made in another region.']
    : [];
}
