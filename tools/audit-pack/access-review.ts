import { tenantPartitionKey } from '../../lambdas/shared/visits/table-schema.js';
import type { DeploymentFacts } from '../../lib/compliance/deployment-facts.js';
import { inQuarter, type Quarter } from './quarter.js';
import { trailJson, type TrailObject } from './trail-files.js';

/** The parts of a CloudTrail record the review reads. */
export interface TrailRecord {
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly userIdentity?: { readonly type?: string; readonly arn?: string; readonly invokedBy?: string; readonly sessionContext?: { readonly sessionIssuer?: { readonly arn?: string } } };
  readonly requestParameters?: Record<string, unknown> | null;
  readonly resources?: ReadonlyArray<{ readonly ARN?: string; readonly type?: string }>;
  readonly errorCode?: string;
}

export type SensitiveStore = 'visits table' | 'pseudonym key' | 'breach register';

export interface Access {
  readonly time: string;
  readonly principal: string;
  readonly action: string;
  readonly store: SensitiveStore;
  readonly denied: boolean;
}

export interface AccessReview {
  readonly eventsRead: number;
  /** Accesses to the controller's personal data or to shared secrets by anyone but the service's functions. */
  readonly accessesByOthers: readonly Access[];
  /** Publications by the data-subject request function to this controller's request topic. */
  readonly forwardedRequests: number;
  /**
   * Completed erasure calls: each is confirmed by the visitor-data function on the controller's request
   * topic. (Its deletions themselves are not in the trail, which would otherwise keep the pseudonyms.)
   */
  readonly erasures: number;
}

/**
 * Reads the quarter's trail records for one controller: every access to the visits table (its items,
 * or the table as a whole), the pseudonym key and the breach register by a principal other than the
 * service's own function roles, and the counts of forwarded requests and completed erasures.
 */
export function reviewAccesses(logs: readonly TrailObject[], facts: DeploymentFacts, tenantId: string, quarter: Quarter): AccessReview {
  const records = logs.flatMap((log) => trailJson<{ Records?: TrailRecord[] }>(log).Records ?? []).filter((r) => inQuarter(quarter, new Date(r.eventTime)));
  const serviceRoles = new Set(Object.values(facts.serviceRoleArns));
  const accessesByOthers: Access[] = [];
  let forwardedRequests = 0;
  let erasures = 0;
  const requestTopic = `${facts.requestTopicArnPrefix}${tenantId}`;
  for (const record of records) {
    const role = record.userIdentity?.sessionContext?.sessionIssuer?.arn ?? record.userIdentity?.arn ?? record.userIdentity?.invokedBy ?? 'unknown';
    const store = sensitiveStore(record, facts, tenantId);
    if (store !== undefined && !serviceRoles.has(role)) {
      accessesByOthers.push({ time: record.eventTime, principal: role, action: `${record.eventSource.split('.')[0]}:${record.eventName}`, store, denied: record.errorCode !== undefined });
    }
    if (record.errorCode !== undefined) continue;
    if (record.eventName !== 'Publish' || !touches(record, requestTopic)) continue;
    if (role === facts.serviceRoleArns.dataSubjectRequests) forwardedRequests += 1;
    if (role === facts.serviceRoleArns.visitorData) erasures += 1;
  }
  accessesByOthers.sort((a, b) => a.time.localeCompare(b.time));
  return { eventsRead: records.length, accessesByOthers, forwardedRequests, erasures };
}

function sensitiveStore(record: TrailRecord, facts: DeploymentFacts, tenantId: string): SensitiveStore | undefined {
  if (touches(record, facts.visitsTableArn)) {
    // Item events name their key: another controller's items are not this controller's business.
    const tenant = itemTenant(record);
    return tenant === undefined || tenant === tenantId ? 'visits table' : undefined;
  }
  // Each tenant has its own secret: another controller's is not this controller's business.
  const secretArn = facts.pseudonymSecretArns[tenantId];
  if (secretArn !== undefined && (touches(record, secretArn) || record.requestParameters?.secretId === secretArn)) return 'pseudonym key';
  if (touches(record, `arn:aws:s3:::${facts.breachRegisterBucket}`) || record.requestParameters?.bucketName === facts.breachRegisterBucket) return 'breach register';
  return undefined;
}

function touches(record: TrailRecord, arn: string): boolean {
  return (record.resources ?? []).some((resource) => resource.ARN === arn || resource.ARN?.startsWith(`${arn}/`) === true) || record.requestParameters?.topicArn === arn;
}

/** The tenant of a DynamoDB item event, from the partition key CloudTrail records (`pk`). */
function itemTenant(record: TrailRecord): string | undefined {
  const key = record.requestParameters?.key as Record<string, unknown> | undefined;
  const pk = key?.pk;
  const value = typeof pk === 'string' ? pk : typeof pk === 'object' && pk !== null && typeof (pk as { S?: unknown }).S === 'string' ? (pk as { S: string }).S : undefined;
  if (value === undefined) return undefined;
  const prefix = tenantPartitionKey('');
  return value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
}
