import { jsonObjectEntries } from '../shared/config/json-object-env.js';
import { TENANT_ID_PATTERN } from '../shared/tenants/tenant-id.js';

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * Parses TENANT_TOPIC_ARNS: a JSON object { "<tenantId>": "<SNS topic ARN>" }, each controller's
 * notice topic. Its keys are also the tenants that accept data-subject requests.
 */
export function tenantTopicsFromJson(json: string | undefined): ReadonlyMap<string, string> {
  const entries = jsonObjectEntries('TENANT_TOPIC_ARNS', json, { object: 'tenant id → SNS topic ARN', entries: 'tenant to a topic' });
  for (const [tenantId, topicArn] of entries) {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`TENANT_TOPIC_ARNS: ${JSON.stringify(tenantId)} is not a valid tenant id`);
    if (typeof topicArn !== 'string' || !SNS_TOPIC_ARN.test(topicArn)) throw new Error(`TENANT_TOPIC_ARNS: the topic of ${tenantId} is not an SNS topic ARN`);
  }
  return new Map(entries as Array<[string, string]>);
}

/** Parses REQUEST_FORM_ORIGINS: { "<tenantId>": ["https://…", …] }; the union is what CORS allows. */
export function requestFormOriginsFromJson(json: string | undefined): ReadonlySet<string> {
  const entries = jsonObjectEntries('REQUEST_FORM_ORIGINS', json, { object: 'tenant id → list of https origins', entries: 'tenant' });
  const origins = new Set<string>();
  for (const [tenantId, list] of entries) {
    if (!Array.isArray(list) || !list.every((origin) => typeof origin === 'string' && origin.startsWith('https://'))) {
      throw new Error(`REQUEST_FORM_ORIGINS: the origins of ${tenantId} must be a list of https origins`);
    }
    for (const origin of list as string[]) origins.add(origin);
  }
  return origins;
}
