import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AppConfig } from '../../lib/config/app-config.js';
import { readJsonIfExists, writeJsonAtomic } from './files.js';
import { offboard, type OffboardReport } from './offboard.js';
import { remnants, reportKeyNameOf, reportObjectKey, signReport, storeReport, type Remnant, type SignedReport } from './offboarding-report.js';
import {
  destroyPseudonymKey,
  readReportKey,
  removeTenantTopics,
  revokeApiAccess,
  type ApiGatewayPort,
  type RemovedTopics,
  type RevokedKeys,
} from './tenant-resources.js';

export interface EndOfContractRequest {
  readonly tenantId: string;
  readonly stackName: string;
  readonly table: string;
  /** Export the tenant's visits here before deleting them (handed to the controller); absent: delete only. */
  readonly exportDir?: string;
  /** Where the progress file lives: re-running with the same directory resumes. */
  readonly stateDir: string;
  /** The locked audit trail bucket the signed report goes to. */
  readonly auditBucket: string;
  readonly retention: Pick<AppConfig, 'retentionDays' | 'pointInTimeRecoveryDays' | 'auditLogRetentionDays' | 'breachRecordRetentionYears'>;
  readonly pageSize?: number;
}

export interface EndOfContractDependencies {
  readonly dynamo: DynamoDBClient;
  readonly api: ApiGatewayPort;
  readonly sns: Pick<SNSClient, 'send'>;
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly progress?: (message: string) => void;
}

/** The record of one tenant's end of contract: every step's outcome and everything that remains. */
export interface EndOfContractReport {
  readonly tenant: string;
  readonly stack: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly apiAccess: RevokedKeys;
  readonly visits: OffboardReport;
  readonly topics: RemovedTopics;
  readonly pseudonymKey: { readonly secret: string; readonly destroyed: true; readonly alreadyGone: boolean };
  readonly remains: Remnant[];
  readonly redeploy: string;
}

/** Progress kept between runs: each completed step's outcome. */
interface Progress {
  tenant: string;
  startedAt: string;
  apiAccess?: RevokedKeys;
  visits?: OffboardReport;
  topics?: RemovedTopics;
  pseudonymKey?: EndOfContractReport['pseudonymKey'];
  report?: { key: string; signed: SignedReport<EndOfContractReport> };
}

export type EndOfContractResult =
  | { readonly status: 'complete'; readonly reportKey: string; readonly signed: SignedReport<EndOfContractReport> }
  | { readonly status: 'interrupted' | 'items-remain'; readonly visits: OffboardReport };

export const PROGRESS_FILE = 'end-of-contract.json';

/**
 * DPA 12.3, end of contract: (1) the tenant's API keys are disabled and deleted with both usage plans,
 * so nothing more is written or read; (2) its visits are exported (optionally) and deleted; (3) its
 * topics and their subscriptions are removed; (4) its pseudonym secret is destroyed (crypto-shredding);
 * (5) a report, signed with HMAC-SHA256 under the stack's report key, saying what was done and what
 * remains until when, is written to the locked audit bucket. Every step is idempotent and recorded in
 * the progress file: an interrupted run resumes where it stopped, a finished one answers with its report.
 */
export async function endOfContract(request: EndOfContractRequest, deps: EndOfContractDependencies): Promise<EndOfContractResult> {
  const now = deps.now ?? (() => new Date());
  const say = deps.progress ?? (() => {});
  await mkdir(request.stateDir, { recursive: true });
  const file = path.join(request.stateDir, PROGRESS_FILE);
  const progress: Progress = (await readJsonIfExists<Progress>(file)) ?? { tenant: request.tenantId, startedAt: now().toISOString() };
  if (progress.tenant !== request.tenantId) throw new Error(`${file} records the offboarding of ${progress.tenant}, not ${request.tenantId}`);
  const save = () => writeJsonAtomic(file, progress);
  const { stackName, tenantId } = request;

  if (!progress.apiAccess) {
    progress.apiAccess = await revokeApiAccess(deps.api, stackName, tenantId);
    await save();
    say(`end of contract ${tenantId}: API keys deleted (${progress.apiAccess.apiKeysDeleted}), usage plans ${progress.apiAccess.usagePlans.map((p) => `${p.name} ${p.status}`).join(', ')}`);
  }
  if (!progress.visits || progress.visits.delete === undefined || !('status' in progress.visits.delete) || progress.visits.delete.status !== 'complete') {
    const visits = await offboard(
      { tenantId, table: request.table, exportDir: request.exportDir, delete: true, dryRun: false, pageSize: request.pageSize },
      { client: deps.dynamo, signal: deps.signal, progress: say, now },
    );
    const deleted = visits.delete !== undefined && 'status' in visits.delete ? visits.delete.status : 'interrupted';
    if (deleted !== 'complete') return { status: deleted === 'items-remain' ? 'items-remain' : 'interrupted', visits };
    progress.visits = visits;
    await save();
  }
  if (!progress.topics) {
    progress.topics = await removeTenantTopics(deps.sns, stackName, tenantId);
    await save();
    say(`end of contract ${tenantId}: topics deleted (${progress.topics.topics.length}), subscriptions removed (${progress.topics.subscriptionsRemoved})`);
  }
  if (!progress.pseudonymKey) {
    const destroyed = await destroyPseudonymKey(deps.secrets, stackName, tenantId);
    progress.pseudonymKey = { secret: destroyed.secret, destroyed: true, alreadyGone: destroyed.alreadyGone };
    await save();
    say(`end of contract ${tenantId}: pseudonym secret ${destroyed.secret} destroyed`);
  }
  if (!progress.report) {
    const finishedAt = now();
    const report: EndOfContractReport = {
      tenant: tenantId,
      stack: stackName,
      startedAt: progress.startedAt,
      finishedAt: finishedAt.toISOString(),
      apiAccess: progress.apiAccess,
      visits: progress.visits!,
      topics: progress.topics,
      pseudonymKey: progress.pseudonymKey,
      remains: remnants(request.retention, finishedAt),
      redeploy: `Remove tenant ${tenantId} from cdk.json "tenants" and deploy, so CloudFormation stops declaring its keys, plans, topics and secret.`,
    };
    const signed = signReport(report, await readReportKey(deps.secrets, stackName), reportKeyNameOf(stackName));
    const key = reportObjectKey(tenantId, report.finishedAt);
    await storeReport(deps.s3, request.auditBucket, key, signed);
    progress.report = { key, signed };
    await save();
    say(`end of contract ${tenantId}: signed report written to s3://${request.auditBucket}/${key}`);
  }
  return { status: 'complete', reportKey: progress.report.key, signed: progress.report.signed };
}
