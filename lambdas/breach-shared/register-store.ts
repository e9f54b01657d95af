import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type BreachRecord, type StoredRecord, serializeRecord, sha256Base64, sha256Hex } from './breach-record.js';
import { notificationKey, notificationPrefix, recordIdOfKey, recordKey, RECORD_PREFIX } from './register-layout.js';

/** Proof that a controller was sent the notice of a record, and exactly what it was sent. */
export interface NotificationMarker {
  readonly recordId: string;
  readonly tenantId: string;
  readonly topicArn: string;
  readonly messageId: string;
  readonly publishedAt: string;
  readonly subject: string;
  readonly body: string;
}

export interface RecordSummary {
  readonly recordId: string;
  readonly key: string;
  readonly lastModified: Date | undefined;
}

const METADATA = { sha256: 'sha256', reportDigest: 'report-digest', recordId: 'record-id', updateOf: 'update-of' } as const;

/**
 * The breach register bucket as the functions and the CLI use it. Every write is create-only
 * (`If-None-Match: *`): an existing record or marker is never replaced, and a concurrent duplicate
 * ends up as "already there" instead of a second version.
 */
export class RegisterStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async findRecord(recordId: string): Promise<StoredRecord | undefined> {
    const object = await this.getObject(recordKey(recordId));
    if (!object) return undefined;
    const reportDigest = object.metadata[METADATA.reportDigest];
    if (!reportDigest) throw new Error(`Breach record ${recordId} has no ${METADATA.reportDigest} metadata`);
    return { record: JSON.parse(object.bytes.toString('utf8')) as BreachRecord, sha256: sha256Hex(object.bytes), reportDigest };
  }

  /**
   * Stores a new record under COMPLIANCE-mode Object Lock until its retainUntil, with its SHA-256 sent
   * for S3 to verify and kept in the metadata. Returns undefined when the key is already taken.
   */
  async createRecord(record: BreachRecord, reportDigest: string): Promise<StoredRecord | undefined> {
    const bytes = serializeRecord(record);
    const sha256 = sha256Hex(bytes);
    const created = await this.createObject({
      Key: recordKey(record.recordId),
      Body: bytes,
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: sha256Base64(bytes),
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(record.retainUntil),
      Metadata: {
        [METADATA.sha256]: sha256,
        [METADATA.reportDigest]: reportDigest,
        [METADATA.recordId]: record.recordId,
        ...(record.updateOf ? { [METADATA.updateOf]: record.updateOf } : {}),
      },
    });
    return created ? { record, sha256, reportDigest } : undefined;
  }

  async hasNotification(recordId: string, tenantId: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: notificationKey(recordId, tenantId) }));
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
  }

  async recordNotification(marker: NotificationMarker): Promise<void> {
    const bytes = Buffer.from(`${JSON.stringify(marker, null, 2)}\n`, 'utf8');
    await this.createObject({
      Key: notificationKey(marker.recordId, marker.tenantId),
      Body: bytes,
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: sha256Base64(bytes),
    });
  }

  async listRecords(): Promise<RecordSummary[]> {
    const records: RecordSummary[] = [];
    for await (const object of this.list(RECORD_PREFIX)) {
      const recordId = recordIdOfKey(object.key);
      if (recordId) records.push({ recordId, key: object.key, lastModified: object.lastModified });
    }
    return records;
  }

  async listNotifications(recordId: string): Promise<NotificationMarker[]> {
    const markers: NotificationMarker[] = [];
    for await (const object of this.list(notificationPrefix(recordId))) {
      const found = await this.getObject(object.key);
      if (found) markers.push(JSON.parse(found.bytes.toString('utf8')) as NotificationMarker);
    }
    return markers;
  }

  private async *list(prefix: string): AsyncGenerator<{ key: string; lastModified: Date | undefined }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) if (object.Key) yield { key: object.Key, lastModified: object.LastModified };
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  private async getObject(key: string): Promise<{ bytes: Buffer; metadata: Record<string, string> } | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      return { bytes, metadata: object.Metadata ?? {} };
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /** PutObject that never overwrites: false when the key already exists. */
  private async createObject(input: Omit<ConstructorParameters<typeof PutObjectCommand>[0], 'Bucket' | 'IfNoneMatch'>): Promise<boolean> {
    try {
      await this.s3.send(new PutObjectCommand({ ...input, Bucket: this.bucket, IfNoneMatch: '*' }));
      return true;
    } catch (error) {
      if (httpStatus(error) === 412) return false;
      throw error;
    }
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
