import type { AppConfig } from '../../lib/config/app-config.js';
import { isEuRegion } from '../../lib/eu-regions.js';
import { describeResource, isObject, type TemplateIndex } from '../../lib/retention/stack-templates.js';
import type { Register } from './register-model.js';

/**
 * Where the data is processed (the stacks' EU regions), the transfers and third-country access that
 * remain possible although nothing is stored outside the EU, and the safeguards the templates and the
 * configuration give. Refuses to produce a register for a stack outside the EU (or without a fixed
 * region) rather than claim something untrue.
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
    'Data at rest is encrypted with customer-managed KMS keys whose key policies name the services and roles that may use them; AWS personnel cannot read it without a use of the key that the audit trail records.',
  ];
  return { regions, thirdCountryTransfers: possibleTransfers(config), safeguards };
}

/** Stated, not derived: they follow from who AWS is and how notices travel, not from a template property. */
function possibleTransfers(config: AppConfig): Register['transfers']['thirdCountryTransfers'] {
  return [
    {
      what: 'Remote access by AWS personnel for support, maintenance and security operations (follow-the-sun), to any data of the resources above',
      recipient: 'Amazon Web Services EMEA SARL and its affiliates, including Amazon Web Services, Inc. (United States)',
      countries: 'Countries where AWS affiliates operate, including the United States',
      safeguard: 'Standard Contractual Clauses (Commission Decision (EU) 2021/914, processor-to-processor module) incorporated in the AWS Data Processing Addendum, Art. 46(2)(c) GDPR; encryption with customer-managed keys.',
    },
    {
      what: 'Disclosure compelled under United States law (CLOUD Act, 18 U.S.C. § 2713; FISA section 702) of data held by AWS, wherever it is stored',
      recipient: 'US authorities, through Amazon Web Services EMEA SARL, whose parent Amazon.com, Inc. is a United States company',
      countries: 'United States',
      safeguard:
        'No Art. 46 safeguard removes this exposure. Mitigations: customer-managed KMS keys (use of a key is logged), AWS\'s contractual commitment to challenge and notify of such requests, and the processor\'s duty to inform the controllers (agreement 2.4) of any request it learns of. Controllers should weigh it in their transfer impact assessment (see npm run dpia).',
    },
    {
      what: 'E-mail notices: breach notifications, forwarded data-subject requests (with the requester\'s name, e-mail address and message), change notices and instruction warnings',
      recipient: `Each controller's configured contact mailboxes (${config.tenants.length} controller(s)), delivered by Amazon SNS e-mail; mailbox providers are chosen by the controller and may be anywhere`,
      countries: 'Wherever the controller\'s mail provider stores and routes mail; unknown to the processor',
      safeguard: 'Sent to the controller itself on its instructions (the controller is the recipient, not a third party). Notices carry no visitor IP address; the processor does not choose the mailbox provider.',
    },
    {
      what: 'E-mail alarms to the processor\'s operations team (no visitor data: metric names, thresholds, resource names)',
      recipient: `The processor's operations mailboxes (${config.operationsEmails.join(', ') || 'none configured'})`,
      countries: 'Wherever the processor\'s mail provider stores mail',
      safeguard: 'Contains no personal data of data subjects.',
    },
  ];
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
