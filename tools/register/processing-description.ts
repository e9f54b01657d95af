import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import type { RetainedStore } from '../../lib/retention/retained-stores.js';
import { isObject, type ResourceRef, type TemplateIndex } from '../../lib/retention/stack-templates.js';
import type { PersonalDataCategory } from './register-model.js';

/** Why the processor processes personal data at all: the service of the processor agreement. */
export function purposes(stores: readonly RetainedStore[]): string[] {
  return [
    'Identify the organisation behind a business website visit (IP address to public company information) for the controller, on its documented instructions.',
    "Record the visits of identified organisations to the controller's websites and list them to the controller, for its B2B sales and marketing, until the retention period ends.",
    "Answer the controller's access and erasure requests of data subjects, located through the visitor's pseudonym.",
    'Keep the service secure (GDPR Art. 32): rate limiting and blocking of malicious requests, audit trail of who did what.',
    ...(stores.some((store) => store.basis === 'legal-record')
      ? ['Document personal data breaches in a write-once register (Art. 33(5)) and notify the affected controllers without undue delay (Art. 33(2)).']
      : []),
  ];
}

export const DATA_SUBJECTS = [
  {
    category: 'Website visitors',
    description:
      "People visiting a controller's website, whose IP address the controller's site sends for enrichment, or whose browser reports the page view through the controller's snippet (the address is then the connection's own).",
  },
  {
    category: 'Prospects',
    description:
      "People working for the organisations identified as visitors (the controller's business prospects); sole traders can be identified through their organisation.",
  },
  {
    category: 'Data-subject requesters',
    description: 'People who send an access, erasure or other request through the public request form; usually website visitors.',
  },
  {
    category: 'Controller contacts',
    description: "The controllers' DPOs and privacy contacts named in the configuration, who receive notices.",
  },
  {
    category: 'Operators and auditors',
    description: "The processor's staff and the controllers' auditors who use AWS in this account; the audit trail names them.",
  },
] as const;

/**
 * Which attributes of a stored visit (see lambdas/shared/visits/visits-repository.ts) belong to which
 * category. test/register checks this against an item the repository really writes, so a new
 * attribute cannot go unregistered.
 */
export const VISIT_ATTRIBUTES = {
  pseudonym: [VISITS_TABLE.visitorIndex.partitionKey],
  visitContext: ['siteId', 'pageUrl', 'referrer', 'visitedAt', 'visitId', VISITS_TABLE.sortKey],
  organisation: ['company', 'database'],
  bookkeeping: [VISITS_TABLE.partitionKey, 'tenantId', VISITS_TABLE.ttlAttribute],
} as const;

/** The personal data categories, with where each rests in the deployed templates. */
export function personalDataCategories(index: TemplateIndex, stores: readonly RetainedStore[]): PersonalDataCategory[] {
  const where = (attributes: readonly string[]) => visitsTables(index).map((table) => `${table}: ${attributes.join(', ')}`);
  const categories: PersonalDataCategory[] = [
    {
      category: 'IP address of the website visitor',
      description:
        'Received with each enrichment, visit or page-view (collector) request and used in memory to look up the organisation; never stored in the visits table, kept out of access logs and redacted from function logs.',
      storedAs: [],
    },
    {
      category: 'Pseudonymised IP address',
      description:
        'Keyed HMAC-SHA256 of the address, distinct per tenant, with a secret held in Secrets Manager: finds the visits of one data subject for access and erasure requests; cannot be reversed without the secret.',
      storedAs: where(VISIT_ATTRIBUTES.pseudonym),
    },
    {
      category: 'Visit context',
      description: 'Which site and page was visited, the referrer, when, and the visit id.',
      storedAs: where(VISIT_ATTRIBUTES.visitContext),
    },
    {
      category: 'Organisation of the visitor',
      description:
        'Public company information (name, domain, autonomous system, country) and its network widened to at least a /24 (IPv4) or /48 (IPv6), with the database it came from.',
      storedAs: where(VISIT_ATTRIBUTES.organisation),
    },
    {
      category: 'Tenant and expiry',
      description: 'Which controller the visit belongs to and when it expires (DynamoDB TTL).',
      storedAs: where(VISIT_ATTRIBUTES.bookkeeping),
    },
  ];
  const wafLogs = firewallLogGroups(index);
  if (wafLogs.length > 0) {
    categories.push({
      category: 'IP address in firewall logs',
      description: 'Client IP address and request details of requests the web application firewall blocked (allowed requests are not logged).',
      storedAs: wafLogs,
    });
  }
  categories.push(
    {
      category: "Data-subject requester's contact details and message",
      description:
        'Name (optional), e-mail address, request type and free-text message sent to the public request form; IP addresses in the text are replaced. Not stored by the processor: forwarded once through the controller\'s notice topic to its mailboxes.',
      storedAs: [],
    },
    {
      category: 'Controller contact details',
      description: 'E-mail addresses of the controllers\' DPOs/contacts (and of the processor\'s operations team): in the deployment configuration, the topics\' e-mail subscriptions and the published register.',
      storedAs: [...index.resources('AWS::SNS::Subscription')].filter((s) => s.properties.Protocol === 'email').map(pathOf),
    },
  );
  const audit = stores.filter((store) => store.basis === 'audit-trail').map((store) => pathOf(store.resource));
  if (audit.length > 0) {
    categories.push(
      {
        category: 'Audit events',
        description:
          'Who called which AWS API when, including item-level events on the visits table that name item keys (tenant, visit time and id) and can name a visitor pseudonym.',
        storedAs: audit,
      },
      {
        category: 'Operator and auditor identities',
        description: 'IAM user and role names, session names (often an e-mail address), source IP addresses and user agents of the people who call AWS APIs in this account, as CloudTrail records them.',
        storedAs: audit,
      },
    );
  }
  return categories;
}

/** Tables with the visitor index: the visits tables. */
function visitsTables(index: TemplateIndex): string[] {
  return [...index.resources('AWS::DynamoDB::Table')]
    .filter((table) => {
      const indexes = Array.isArray(table.properties.GlobalSecondaryIndexes) ? table.properties.GlobalSecondaryIndexes : [];
      return indexes.some((gsi) => isObject(gsi) && gsi.IndexName === VISITS_TABLE.visitorIndex.name);
    })
    .map((table) => pathOf(table));
}

function firewallLogGroups(index: TemplateIndex): string[] {
  return [...index.resources('AWS::WAFv2::LoggingConfiguration')].flatMap((config) => {
    const destinations = Array.isArray(config.properties.LogDestinationConfigs) ? config.properties.LogDestinationConfigs : [];
    return destinations.flatMap((destination) => {
      const group = index.logGroup(config, destination);
      return group ? [pathOf(group)] : [];
    });
  });
}

function pathOf(resource: ResourceRef): string {
  return resource.constructPath ?? `${resource.stackName}/${resource.logicalId}`;
}
