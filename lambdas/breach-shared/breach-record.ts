import { createHash } from 'node:crypto';
import { redactIps } from '../shared/logging/redact.js';
import { recordIdFor } from './register-layout.js';
import type { BreachReport, BreachStatus } from './report-schema.js';

/** Who reported, as API Gateway authenticated the caller (SigV4): the record proves who said what. */
export interface Reporter {
  /** The caller's IAM ARN (requestContext.identity.userArn), e.g. an assumed-role session. */
  readonly userArn: string;
  readonly accountId?: string;
  /** The caller's principal id (requestContext.identity.caller). */
  readonly caller?: string;
}

/** The immutable document stored in the breach register (Art. 33(5) documentation). */
export interface BreachRecord {
  readonly recordType: 'personal-data-breach';
  /** 1: before reportedBy and status were recorded; 2: with them. */
  readonly schemaVersion: 1 | 2;
  readonly recordId: string;
  /** Absent only in schema version 1 records. */
  readonly reportedBy?: Reporter;
  /** `confirmed`, or `withdrawn` on an update saying the first report was not a breach after all (absent: version 1, confirmed). */
  readonly status?: BreachStatus;
  /** Set on an Art. 33(4) update: the record id of the first report of the same breach. */
  readonly updateOf?: string;
  readonly storedAt: string;
  /** End of the Object Lock COMPLIANCE retention of this record. */
  readonly retainUntil: string;
  /** Fields in which IP addresses were replaced before storing: an IP is personal data and never needed here. */
  readonly redactedFields: readonly string[];
  readonly report: BreachReport & { readonly reportedAt: string };
}

/** A record as read back from the register, with the digests that identify it. */
export interface StoredRecord {
  readonly record: BreachRecord;
  /** SHA-256 (hex) of the stored JSON bytes. */
  readonly sha256: string;
  /** SHA-256 (hex) of the report as submitted: tells a retry (same digest) from a reused report id. */
  readonly reportDigest: string;
}

export function buildRecord(report: BreachReport, storedAt: Date, retentionYears: number, reportedBy: Reporter): BreachRecord {
  const { value: scrubbed, redactedFields } = scrubIps(report);
  const retainUntil = new Date(storedAt);
  retainUntil.setUTCFullYear(retainUntil.getUTCFullYear() + retentionYears);
  return {
    recordType: 'personal-data-breach',
    schemaVersion: 2,
    recordId: recordIdFor(report.reportId, report.detectedAt),
    reportedBy,
    status: report.status ?? 'confirmed',
    ...(report.updateOf === undefined ? {} : { updateOf: report.updateOf }),
    storedAt: storedAt.toISOString(),
    retainUntil: retainUntil.toISOString(),
    redactedFields,
    report: { ...scrubbed, reportedAt: report.reportedAt ?? storedAt.toISOString() },
  };
}

export function serializeRecord(record: BreachRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
}

/** Digest of a submitted report, independent of key order and whitespace. */
export function reportDigest(report: BreachReport): string {
  return sha256Hex(Buffer.from(canonicalJson(report), 'utf8'));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function scrubIps<T>(report: T): { value: T; redactedFields: string[] } {
  const redactedFields: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      const redacted = redactIps(value);
      if (redacted !== value) redactedFields.push(path);
      return redacted;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  return { value: walk(report, '') as T, redactedFields };
}
