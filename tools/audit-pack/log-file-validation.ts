import { createHash, createPublicKey, createVerify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { trailJson, type TrailObject } from './trail-files.js';

/** The fields of a CloudTrail digest file that validation uses (AWS CloudTrail User Guide, "digest file structure"). */
export interface DigestFile {
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly digestS3Bucket: string;
  readonly digestS3Object: string;
  readonly digestPublicKeyFingerprint: string;
  readonly digestSignatureAlgorithm: string;
  readonly previousDigestS3Bucket: string | null;
  readonly previousDigestS3Object: string | null;
  readonly previousDigestHashValue: string | null;
  readonly previousDigestSignature: string | null;
  readonly logFiles: ReadonlyArray<{ readonly s3Bucket: string; readonly s3Object: string; readonly hashValue: string; readonly hashAlgorithm: string }>;
}

/** CloudTrail's public keys by fingerprint (hex), as DER RSAPublicKey bytes (`aws cloudtrail list-public-keys`). */
export type PublicKeys = ReadonlyMap<string, Buffer>;

export interface ValidationResult {
  readonly digests: number;
  readonly logFilesListed: number;
  readonly logFilesFound: number;
  /** Each problem found, one line each; empty when every check passed. */
  readonly problems: readonly string[];
  /** Whether signatures could be checked (public keys given). */
  readonly signaturesChecked: boolean;
  readonly logFilesNotInAnyDigest: number;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * What `aws cloudtrail validate-logs` checks, for the quarter's files: every log file a digest lists
 * exists with the SHA-256 the digest gives (of its uncompressed content); each digest's RSA-SHA256
 * signature (S3 metadata `signature`) verifies with CloudTrail's public key over
 * `digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256 of the uncompressed digest) \n previousDigestSignature`;
 * each digest names the previous digest of its region, whose hash and signature match.
 */
export function validateLogFiles(logs: readonly TrailObject[], digests: readonly TrailObject[], publicKeys: PublicKeys | undefined): ValidationResult {
  const problems: string[] = [];
  const logsByKey = new Map(logs.map((log) => [log.key, log]));
  const listed = new Set<string>();
  let found = 0;
  const parsed = digests.map((object) => ({ object, digest: trailJson<DigestFile>(object) }));
  const byKey = new Map(parsed.map((p) => [p.object.key, p]));

  for (const { object, digest } of parsed) {
    for (const file of digest.logFiles) {
      listed.add(file.s3Object);
      const log = logsByKey.get(file.s3Object);
      if (!log) {
        problems.push(`${file.s3Object}: listed in ${object.key} but missing from the bucket`);
        continue;
      }
      found += 1;
      if (sha256(gunzipSync(log.bytes)) !== file.hashValue) problems.push(`${file.s3Object}: SHA-256 differs from ${object.key} (the file was changed)`);
    }
    if (publicKeys) {
      const signature = object.metadata.signature;
      const key = publicKeys.get(digest.digestPublicKeyFingerprint);
      if (!signature) problems.push(`${object.key}: no signature in its metadata`);
      else if (!key) problems.push(`${object.key}: no public key with fingerprint ${digest.digestPublicKeyFingerprint}`);
      else {
        const signed = [digest.digestEndTime, `${digest.digestS3Bucket}/${digest.digestS3Object}`, sha256(gunzipSync(object.bytes)), digest.previousDigestSignature ?? 'null'].join('\n');
        const verifier = createVerify('RSA-SHA256').update(signed);
        if (!verifier.verify(createPublicKey({ key, format: 'der', type: 'pkcs1' }), signature, 'hex')) problems.push(`${object.key}: signature does not verify (the digest was changed)`);
      }
    }
    if (digest.previousDigestS3Object) {
      const previous = byKey.get(digest.previousDigestS3Object);
      // The first digest of the quarter points into the previous quarter: not read, not judged.
      if (previous) {
        if (sha256(gunzipSync(previous.object.bytes)) !== digest.previousDigestHashValue) problems.push(`${object.key}: previous digest ${previous.object.key} was changed`);
        if (publicKeys && previous.object.metadata.signature !== digest.previousDigestSignature) problems.push(`${object.key}: previous digest signature does not match ${previous.object.key}`);
      } else if (parsed.some((p) => p.digest.digestEndTime < digest.digestStartTime && p.object.region === object.region)) {
        problems.push(`${object.key}: previous digest ${digest.previousDigestS3Object} is missing (chain broken)`);
      }
    }
  }
  const unlisted = logs.filter((log) => !listed.has(log.key)).length;
  return { digests: digests.length, logFilesListed: listed.size, logFilesFound: found, problems, signaturesChecked: publicKeys !== undefined, logFilesNotInAnyDigest: unlisted };
}
