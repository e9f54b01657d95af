import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TrailRecord } from '../../../tools/audit-pack/access-review.js';
import type { DigestFile } from '../../../tools/audit-pack/log-file-validation.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes CloudTrail log files and signed digest files into a local S3 bucket in CloudTrail's key
 * layout and formats, signing digests as CloudTrail does with a key pair made here (the test's
 * stand-in for CloudTrail's regional signing key, whose public half `aws cloudtrail list-public-keys` gives).
 */
export class CloudTrailFixture {
  readonly fingerprint = 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private previous: { key: string; hash: string; signature: string } | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly account: string,
    private readonly region: string,
  ) {}

  get publicKeys(): ReadonlyMap<string, Buffer> {
    return new Map([[this.fingerprint, this.keys.publicKey.export({ format: 'der', type: 'pkcs1' }) as Buffer]]);
  }

  /** Writes one log file per batch and one digest listing them all, chained to the previous digest. */
  async deliver(day: string, batches: ReadonlyArray<readonly TrailRecord[]>, endTime: string): Promise<string[]> {
    const folder = (kind: string) => `AWSLogs/${this.account}/${kind}/${this.region}/${day}/`;
    const logFiles: DigestFile['logFiles'][number][] = [];
    const keys: string[] = [];
    for (const [i, records] of batches.entries()) {
      const key = `${folder('CloudTrail')}${this.account}_CloudTrail_${this.region}_${day.replaceAll('/', '')}T${String(i).padStart(4, '0')}Z_${i}.json.gz`;
      const json = Buffer.from(JSON.stringify({ Records: records }));
      await this.put(key, gzipSync(json));
      logFiles.push({ s3Bucket: this.bucket, s3Object: key, hashValue: sha256(json), hashAlgorithm: 'SHA-256' });
      keys.push(key);
    }
    const digestKey = `${folder('CloudTrail-Digest')}${this.account}_CloudTrail-Digest_${this.region}_${day.replaceAll('/', '')}T${endTime.slice(11, 13)}Z.json.gz`;
    const digest: DigestFile = {
      digestStartTime: `${day.replaceAll('/', '-')}T00:00:00Z`,
      digestEndTime: endTime,
      digestS3Bucket: this.bucket,
      digestS3Object: digestKey,
      digestPublicKeyFingerprint: this.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      previousDigestS3Bucket: this.previous ? this.bucket : null,
      previousDigestS3Object: this.previous?.key ?? null,
      previousDigestHashValue: this.previous?.hash ?? null,
      previousDigestSignature: this.previous?.signature ?? null,
      logFiles,
    };
    const json = Buffer.from(JSON.stringify(digest));
    const signed = [endTime, `${this.bucket}/${digestKey}`, sha256(json), this.previous?.signature ?? 'null'].join('\n');
    const signature = createSign('RSA-SHA256').update(signed).sign(this.keys.privateKey, 'hex');
    await this.put(digestKey, gzipSync(json), { signature, 'signature-algorithm': 'SHA256withRSA' });
    this.previous = { key: digestKey, hash: sha256(json), signature };
    return [...keys, digestKey];
  }

  async put(key: string, body: Buffer, metadata?: Record<string, string>): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, Metadata: metadata }));
  }
}
