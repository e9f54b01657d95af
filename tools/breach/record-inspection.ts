import {
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { StoredRecord } from '../../lambdas/breach-shared/breach-record.js';
import { recordKey } from '../../lambdas/breach-shared/register-layout.js';
import { RegisterStore, type NotificationMarker } from '../../lambdas/breach-shared/register-store.js';

/** A fact S3 could not tell (e.g. missing permission): shown as such, never guessed. */
export type Fact<T> = { readonly value: T } | { readonly unavailable: string };

export interface RecordInspection {
  readonly key: string;
  readonly stored: StoredRecord;
  /** SHA-256 of the bytes read, against the one in the metadata and S3's own checksum. */
  readonly integrity: { readonly sha256: string; readonly metadataSha256?: string; readonly s3ChecksumSha256?: string; readonly intact: boolean };
  readonly retention: Fact<{ mode?: string; retainUntil?: Date }>;
  readonly legalHold: Fact<string>;
  /** Every version of the record key: exactly one unless someone managed to write over it. */
  readonly versions: Fact<number>;
  readonly notifications: readonly NotificationMarker[];
}

/** Everything an auditor checks about one record, read straight from the register bucket. */
export async function inspectRecord(s3: S3Client, bucket: string, recordId: string): Promise<RecordInspection | undefined> {
  const register = new RegisterStore(s3, bucket);
  const stored = await register.findRecord(recordId);
  if (!stored) return undefined;
  const Key = recordKey(recordId);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key, ChecksumMode: 'ENABLED' }));
  const metadataSha256 = head.Metadata?.sha256;
  const s3ChecksumSha256 = head.ChecksumSHA256 ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') : undefined;
  return {
    key: Key,
    stored,
    integrity: {
      sha256: stored.sha256,
      metadataSha256,
      s3ChecksumSha256,
      intact: metadataSha256 === stored.sha256 && (s3ChecksumSha256 === undefined || s3ChecksumSha256 === stored.sha256),
    },
    retention: await fact(async () => {
      const { Retention } = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key }));
      return { mode: Retention?.Mode, retainUntil: Retention?.RetainUntilDate };
    }),
    legalHold: await fact(async () => (await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key }))).LegalHold?.Status ?? 'OFF'),
    versions: await fact(async () => {
      const { Versions = [] } = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: Key }));
      return Versions.filter((version) => version.Key === Key).length;
    }),
    notifications: await register.listNotifications(recordId),
  };
}

async function fact<T>(read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { unavailable: (error as Error).name || String(error) };
  }
}
