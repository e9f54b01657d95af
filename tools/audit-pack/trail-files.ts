import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Quarter } from './quarter.js';
import { quarterDays } from './quarter.js';

export interface TrailObject {
  readonly key: string;
  readonly region: string;
  /** The object's bytes as stored (gzip). */
  readonly bytes: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * CloudTrail's key layout (no S3KeyPrefix): AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
 * for log files, AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<file>.json.gz for digests.
 */
const TRAIL_KEY = /^AWSLogs\/(\d{12})\/(CloudTrail|CloudTrail-Digest)\/([a-z0-9-]+)\/(\d{4}\/\d{2}\/\d{2})\//;

/** The log files and digests of the quarter, every region, read from the trail bucket. */
export async function readTrailObjects(s3: S3Client, bucket: string, account: string, quarter: Quarter): Promise<{ logs: TrailObject[]; digests: TrailObject[] }> {
  const days = new Set(quarterDays(quarter));
  const logs: TrailObject[] = [];
  const digests: TrailObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `AWSLogs/${account}/`, ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) {
      const match = Key ? TRAIL_KEY.exec(Key) : null;
      if (!match || !days.has(match[4]!)) continue;
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      const read: TrailObject = { key: Key!, region: match[3]!, bytes: Buffer.from(await object.Body!.transformToByteArray()), metadata: object.Metadata ?? {} };
      (match[2] === 'CloudTrail' ? logs : digests).push(read);
    }
    token = page.NextContinuationToken;
  } while (token);
  return { logs, digests };
}

/** A log file's or digest's JSON (CloudTrail gzips both). */
export function trailJson<T>(object: TrailObject): T {
  return JSON.parse(gunzipSync(object.bytes).toString('utf8')) as T;
}
