import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { BREACH_ENV } from '../../lambdas/breach-shared/breach-environment.js';
import type { BreachReport } from '../../lambdas/breach-shared/report-schema.js';
import { RegisterStore } from '../../lambdas/breach-shared/register-store.js';
import { validateBreachReport, type FieldProblems } from '../../lambdas/breach-shared/validate-report.js';
import { DEPLOYMENT_REGION } from '../../lib/eu-regions.js';
import { inspectRecord, type Fact, type RecordInspection } from './record-inspection.js';
import { postSignedJson, regionOfApiUrl, type CredentialSource, type HttpAnswer } from './signed-request.js';
import { backoffDelay, type Backoff } from '../../lambdas/shared/retry/backoff.js';

/** The breach route's URL, e.g. https://<id>.execute-api.eu-central-1.amazonaws.com/live/v1/operator/breaches */
export const API_URL_ENV = 'BREACH_API_URL';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** The operator's (report) or auditor's (list, show) AWS credentials. */
  readonly credentials: () => CredentialSource;
  readonly s3: (region: string) => S3Client;
  /** Configured tenant ids for a dry run, when the deployment configuration is at hand. */
  readonly tenantIds: () => Promise<readonly string[] | undefined>;
  /** Pause between attempts of a report (tests pass a no-op). */
  readonly pause: (ms: number) => Promise<void>;
}

const USAGE = `Usage:
  breach report <file.json> [--endpoint <url>] [--dry-run]   report a breach (operator credentials, SigV4)
  breach template                                             print a report skeleton with a fresh reportId
  breach list [--bucket <name>]                               list breach records (auditor credentials)
  breach show <recordId> [--bucket <name>]                    show a record, its retention and notifications

  --endpoint defaults to $${API_URL_ENV}; --bucket to $${BREACH_ENV.bucket}; the region to the endpoint's, else $AWS_REGION, else ${DEPLOYMENT_REGION}.`;

/** Resending an idempotent report is always safe; a few tries ride out a transient failure. */
const ATTEMPTS = 3;
/** Waits between resends of a report: about 2 s, then about 4 s. */
const RESEND_BACKOFF: Backoff = { baseDelayMs: 2_000, maxDelayMs: 8_000 };

/** Runs one CLI command; resolves to the process exit code (0 done, 1 refused or failed, 2 usage). */
export async function runBreachCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        endpoint: { type: 'string' },
        bucket: { type: 'string' },
        region: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, argument] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const region = values.region ?? io.env.AWS_REGION ?? DEPLOYMENT_REGION;
  const bucket = values.bucket ?? io.env[BREACH_ENV.bucket];
  switch (command) {
    case 'report':
      if (!argument) return usage(io, 'report needs the path of a report file');
      return report(io, argument, { endpoint: values.endpoint ?? io.env[API_URL_ENV], dryRun: values['dry-run'], region: values.region });
    case 'template':
      io.out(JSON.stringify(reportTemplate(new Date()), null, 2));
      return 0;
    case 'list':
      if (!bucket) return usage(io, `list needs --bucket or $${BREACH_ENV.bucket}`);
      return list(io, io.s3(region), bucket);
    case 'show':
      if (!argument) return usage(io, 'show needs a record id');
      if (!bucket) return usage(io, `show needs --bucket or $${BREACH_ENV.bucket}`);
      return show(io, io.s3(region), bucket, argument);
    default:
      return usage(io, `unknown command ${command}`);
  }
}

async function report(io: CliIo, file: string, options: { endpoint?: string; dryRun: boolean; region?: string }): Promise<number> {
  let body: unknown;
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    io.err(`Cannot read ${file} as JSON: ${(error as Error).message}`);
    return 1;
  }
  const tenantIds = await io.tenantIds();
  const validation = validateBreachReport(body, { tenantIds, now: new Date() });
  if (!validation.ok) {
    io.err(`${file} is not a valid breach report:`);
    printFields(io.err, validation.fields);
    return 1;
  }
  if (options.dryRun) {
    io.out(`${file} is a valid breach report${tenantIds ? '' : ' (tenant ids not checked: no deployment configuration found)'}.`);
    return 0;
  }
  if (!options.endpoint) return usage(io, `report needs --endpoint or $${API_URL_ENV}`);
  const url = new URL(options.endpoint);
  if (url.protocol !== 'https:' && !['localhost', '127.0.0.1'].includes(url.hostname)) {
    return usage(io, 'the endpoint must be an https URL');
  }
  const region = options.region ?? regionOfApiUrl(url) ?? io.env.AWS_REGION ?? DEPLOYMENT_REGION;

  let answer: HttpAnswer | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      answer = await postSignedJson(url, validation.report, io.credentials(), region);
      if (answer.status < 500) break;
      io.err(`Attempt ${attempt}: the service answered ${answer.status}${attempt < ATTEMPTS ? '; resending the same report (safe: it is idempotent)' : ''}.`);
    } catch (error) {
      io.err(`Attempt ${attempt}: ${(error as Error).message}`);
    }
    if (attempt < ATTEMPTS) await io.pause(backoffDelay(attempt, RESEND_BACKOFF));
  }
  if (!answer) return 1;
  return printAnswer(io, answer);
}

function printAnswer(io: CliIo, { status, body }: HttpAnswer): number {
  const answer = (body ?? {}) as Record<string, unknown> & { error?: { code: string; message: string; details?: { fields?: FieldProblems } } };
  if (status >= 200 && status < 300) {
    const headline: Record<number, string> = {
      201: 'Breach recorded and every affected controller notified.',
      200: 'This report was already recorded (same reportId and content): nothing stored or sent twice.',
      202: 'Breach recorded; some notifications are queued and will be retried automatically.',
    };
    io.out(headline[status] ?? `Answered ${status}.`);
    for (const field of ['recordId', 'status', 'key', 'sha256', 'storedAt', 'retainUntil', 'updateOf', 'notified', 'pending', 'redactedFields']) {
      const value = answer[field];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) io.out(`  ${field}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
    }
    return 0;
  }
  io.err(`Refused (${status})${answer.error ? ` ${answer.error.code}: ${answer.error.message}` : `: ${JSON.stringify(body)}`}`);
  if (answer.error?.details?.fields) printFields(io.err, answer.error.details.fields);
  return 1;
}

async function list(io: CliIo, s3: S3Client, bucket: string): Promise<number> {
  let records;
  try {
    records = await new RegisterStore(s3, bucket).listRecords();
  } catch (error) {
    io.err(`Cannot list the records in ${bucket}: ${(error as Error).message}`);
    return 1;
  }
  if (records.length === 0) io.out('No breach records.');
  for (const record of records) io.out(`${record.recordId}  ${record.lastModified?.toISOString() ?? ''}  ${record.key}`);
  return 0;
}

async function show(io: CliIo, s3: S3Client, bucket: string, recordId: string): Promise<number> {
  let inspection: RecordInspection | undefined;
  try {
    inspection = await inspectRecord(s3, bucket, recordId);
  } catch (error) {
    io.err(`Cannot read record ${recordId}: ${(error as Error).message}`);
    return 1;
  }
  if (!inspection) {
    io.err(`No breach record ${recordId} in ${bucket}.`);
    return 1;
  }
  const { record } = inspection.stored;
  const notifiedTenants = new Set(inspection.notifications.map((marker) => marker.tenantId));
  const unnotified = record.report.affectedTenants.filter((tenant) => !notifiedTenants.has(tenant));
  const { integrity } = inspection;
  io.out(`Record      ${record.recordId}${record.updateOf ? ` (update of ${record.updateOf})` : ''}`);
  io.out(`Status      ${record.status ?? 'confirmed (schema version 1)'}${record.status === 'withdrawn' ? `: ${record.report.withdrawnBecause ?? ''}` : ''}`);
  io.out(`Reported by ${record.reportedBy?.userArn ?? 'not recorded (schema version 1)'}`);
  io.out(`Key         ${inspection.key}`);
  io.out(`Stored      ${record.storedAt}`);
  io.out(`Retention   ${describe(inspection.retention, (r) => `${r.mode ?? 'none'} until ${r.retainUntil?.toISOString() ?? '-'}`)}`);
  io.out(`Legal hold  ${describe(inspection.legalHold, String)}`);
  io.out(`Versions    ${describe(inspection.versions, String)}`);
  io.out(`SHA-256     ${integrity.sha256} (${integrity.intact ? 'matches the metadata and S3 checksum' : `DOES NOT MATCH: metadata ${integrity.metadataSha256}, S3 ${integrity.s3ChecksumSha256}`})`);
  for (const marker of inspection.notifications) io.out(`Notified    ${marker.tenantId} at ${marker.publishedAt} (SNS message ${marker.messageId})`);
  if (unnotified.length > 0) io.out(`NOT notified ${unnotified.join(', ')}`);
  io.out('');
  io.out(JSON.stringify(record, null, 2));
  return integrity.intact ? 0 : 1;
}

/** A report skeleton an operator fills in; the reportId is fresh, so resending the file stays idempotent. */
export function reportTemplate(now: Date): BreachReport {
  const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    reportId: randomUUID(),
    nature: 'What happened, how, and which systems and data were involved.',
    dataSubjects: { categories: ['website visitors of the controller'], approximateNumber: 0 },
    records: { categories: ['pseudonymised visitor keys'], approximateNumber: 0 },
    contact: { name: 'Name of the DPO or contact point', email: 'dpo@processor.example', phone: '+31 20 000 0000' },
    likelyConsequences: 'The likely consequences for the data subjects.',
    measures: { taken: ['Measure already taken'], proposed: ['Measure proposed'], mitigation: 'How possible adverse effects are mitigated.' },
    occurredAt: iso,
    detectedAt: iso,
    affectedTenants: ['tenant-id'],
  };
}

function describe<T>(fact: Fact<T>, show: (value: T) => string): string {
  return 'value' in fact ? show(fact.value) : `unavailable (${fact.unavailable})`;
}

function printFields(print: (line: string) => void, fields: FieldProblems): void {
  for (const [field, problem] of Object.entries(fields)) print(`  ${field}: ${problem}`);
}

function usage(io: CliIo, problem: string): number {
  io.err(`${problem}\n\n${USAGE}`);
  return 2;
}
