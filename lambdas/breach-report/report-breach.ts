import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, badRequest } from '../shared/http/http-error.js';
import { parseJsonBody } from '../shared/http/json-body.js';
import { httpApi } from '../shared/http/middleware.js';
import { errorResponse, jsonResponse } from '../shared/http/responses.js';
import { buildRecord, reportDigest, type Reporter, type StoredRecord } from '../breach-shared/breach-record.js';
import { notifyAffectedTenants, type NotifyDependencies } from '../breach-shared/notify-tenants.js';
import { recordKey } from '../breach-shared/register-layout.js';
import type { BreachReport } from '../breach-shared/report-schema.js';
import { queueNotificationRetry } from '../breach-shared/retry-queue.js';
import { validateBreachReport } from '../breach-shared/validate-report.js';

export interface ReportBreachDependencies extends NotifyDependencies {
  readonly sqs: SQSClient;
  readonly retryQueueUrl: string;
  readonly tenantIds: readonly string[];
  readonly retentionYears: number;
}

/** A breach report is a few kilobytes of text; anything far larger is not one. */
const MAX_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/operator/breaches'];

/** POST /breaches (IAM-authorized operators only): the middleware stack around reportBreach. */
export function reportBreachApi(deps: ReportBreachDependencies) {
  return httpApi((event) => reportBreach(deps, parseJsonBody(event, MAX_BODY_BYTES), reporterOf(event)), deps.logger);
}

/** The caller API Gateway authenticated (the route is AWS_IAM): a report nobody signed is not recorded. */
export function reporterOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Reporter {
  const { userArn, accountId, caller } = event.requestContext.identity;
  if (!userArn) throw new HttpError(403, 'REPORTER_UNKNOWN', 'A breach report must be signed with AWS credentials (SigV4); no caller was authenticated.');
  return { userArn, ...(accountId ? { accountId } : {}), ...(caller ? { caller } : {}) };
}

/**
 * Records a breach report in the locked register, then notifies each affected controller.
 * Order matters: nothing is sent before the record is stored, and a stored record is never left
 * unnotified (a failed notice is queued for retry). Resending the same report (same reportId and
 * content) stores and sends nothing new but finishes whatever was left undone.
 *
 *   201 stored and every controller notified       200 the same, for a retried report
 *   202 stored, some notices queued for retry      503 stored, but a notice could be neither sent nor queued
 */
export async function reportBreach(deps: ReportBreachDependencies, body: unknown, reportedBy: Reporter): Promise<APIGatewayProxyResult> {
  const validation = validateBreachReport(body, { tenantIds: deps.tenantIds, now: deps.now() });
  if (!validation.ok) {
    throw badRequest('INVALID_BREACH_REPORT', 'The breach report has missing or malformed fields.', { fields: validation.fields });
  }
  const { stored, created } = await storeOnce(deps, validation.report, reportedBy);
  const { record } = stored;
  const outcome = await notifyAffectedTenants(deps, stored);
  const answer = {
    recordId: record.recordId,
    status: record.status ?? 'confirmed',
    key: recordKey(record.recordId),
    sha256: stored.sha256,
    storedAt: record.storedAt,
    retainUntil: record.retainUntil,
    ...(record.updateOf ? { updateOf: record.updateOf } : {}),
    redactedFields: record.redactedFields,
    replayed: !created,
    ...outcome,
  };
  if (outcome.pending.length === 0) return jsonResponse(created ? 201 : 200, answer);
  try {
    await queueNotificationRetry(deps.sqs, deps.retryQueueUrl, record.recordId);
  } catch (error) {
    deps.logger.error('breach notification neither sent nor queued', { recordId: record.recordId, error: error as Error });
    return errorResponse(
      503,
      'NOTIFICATION_NOT_QUEUED',
      `Breach record ${record.recordId} is stored, but its notification could neither be sent nor queued; send the same report again to finish it.`,
      answer,
    );
  }
  return jsonResponse(202, answer);
}

async function storeOnce(deps: ReportBreachDependencies, report: BreachReport, reportedBy: Reporter): Promise<{ stored: StoredRecord; created: boolean }> {
  const digest = reportDigest(report);
  const record = buildRecord(report, deps.now(), deps.retentionYears, reportedBy);
  const existing = await deps.register.findRecord(record.recordId);
  if (existing) return { stored: sameReportOrConflict(existing, digest), created: false };

  if (report.updateOf !== undefined) await assertFirstRecord(deps, report.updateOf);
  const created = await deps.register.createRecord(record, digest);
  if (created) return { stored: created, created: true };
  // Lost a race with a concurrent identical request: S3 refused the second write.
  const winner = await deps.register.findRecord(record.recordId);
  if (!winner) throw new Error(`Breach record ${record.recordId} was refused as existing but cannot be read`);
  return { stored: sameReportOrConflict(winner, digest), created: false };
}

function sameReportOrConflict(existing: StoredRecord, digest: string): StoredRecord {
  if (existing.reportDigest === digest) return existing;
  throw new HttpError(
    409,
    'REPORT_ID_CONFLICT',
    `Breach record ${existing.record.recordId} already holds a different report with this reportId. ` +
      'Records are immutable: send new information as an update (a new reportId with updateOf).',
    { recordId: existing.record.recordId },
  );
}

async function assertFirstRecord(deps: ReportBreachDependencies, updateOf: string): Promise<void> {
  const first = await deps.register.findRecord(updateOf);
  if (!first) {
    throw badRequest('UNKNOWN_BREACH_RECORD', `There is no breach record ${updateOf} to update.`, { fields: { updateOf: 'no such breach record' } });
  }
  if (first.record.updateOf !== undefined) {
    throw badRequest('NOT_A_FIRST_RECORD', `Breach record ${updateOf} is itself an update; name the first record ${first.record.updateOf}.`, {
      fields: { updateOf: `must name the first record ${first.record.updateOf}` },
    });
  }
}
