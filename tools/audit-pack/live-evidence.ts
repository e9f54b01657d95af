import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RegisterStore } from '../../lambdas/breach-shared/register-store.js';
import { DEPLOYMENT_FACTS_FILE, type DeploymentFacts } from '../../lib/compliance/deployment-facts.js';
import { REGISTER_PREFIX } from '../../lib/audit/audit-trail.js';
import { inspectRecord } from '../breach/record-inspection.js';
import { reviewAccesses, type AccessReview } from './access-review.js';
import { validateLogFiles, type PublicKeys, type ValidationResult } from './log-file-validation.js';
import type { Quarter } from './quarter.js';
import { readTrailObjects } from './trail-files.js';

export interface BreachEvidence {
  readonly recordId: string;
  readonly detectedAt: string;
  readonly storedAt: string;
  readonly sha256: string;
  /** The bytes read hash to the SHA-256 kept in the metadata and to S3's own checksum. */
  readonly intact: boolean;
  readonly notifiedAt: string | undefined;
}

/** What the audit pack reads from the deployed account: S3 only (the audit bucket and the breach register). */
export interface LiveEvidence {
  readonly deployment: DeploymentFacts;
  readonly logFileValidation: ValidationResult;
  readonly accesses: AccessReview;
  readonly breaches: readonly BreachEvidence[];
}

export interface LiveSources {
  readonly s3: S3Client;
  readonly auditBucket: string;
  /** CloudTrail's public keys; without them digest signatures are not checked (and the pack says so). */
  readonly publicKeys?: PublicKeys;
}

export async function liveEvidence(sources: LiveSources, tenantId: string, quarter: Quarter): Promise<LiveEvidence> {
  const { s3 } = sources;
  const factsObject = await s3.send(new GetObjectCommand({ Bucket: sources.auditBucket, Key: `${REGISTER_PREFIX}${DEPLOYMENT_FACTS_FILE}` }));
  const deployment = JSON.parse(await factsObject.Body!.transformToString('utf-8')) as DeploymentFacts;
  const { logs, digests } = await readTrailObjects(s3, sources.auditBucket, deployment.account, quarter);
  return {
    deployment,
    logFileValidation: validateLogFiles(logs, digests, sources.publicKeys),
    accesses: reviewAccesses(logs, deployment, tenantId, quarter),
    breaches: await breachEvidence(s3, deployment.breachRegisterBucket, tenantId),
  };
}

/** Every breach record that names the controller (kept for years, so not only this quarter's), hashes verified. */
async function breachEvidence(s3: S3Client, bucket: string, tenantId: string): Promise<BreachEvidence[]> {
  const evidence: BreachEvidence[] = [];
  for (const summary of await new RegisterStore(s3, bucket).listRecords()) {
    const inspection = await inspectRecord(s3, bucket, summary.recordId);
    if (!inspection || !inspection.stored.record.report.affectedTenants.includes(tenantId)) continue;
    evidence.push({
      recordId: summary.recordId,
      detectedAt: inspection.stored.record.report.detectedAt,
      storedAt: inspection.stored.record.storedAt,
      sha256: inspection.integrity.sha256,
      intact: inspection.integrity.intact,
      notifiedAt: inspection.notifications.find((n) => n.tenantId === tenantId)?.publishedAt,
    });
  }
  return evidence;
}
