import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AUDIT_PACK_PREFIX } from '../../lib/audit/audit-trail.js';
import type { AuditPack } from './audit-pack.js';
import { renderAuditPackHtml } from './render-html.js';

export type PackFiles = Readonly<Record<'report.html' | 'report.json' | 'MANIFEST.sha256', Buffer>>;


/** report.json, report.html and a manifest in `sha256sum` format (`sha256sum -c MANIFEST.sha256` checks it). */
export function packFiles(pack: AuditPack): PackFiles {
  const json = Buffer.from(`${JSON.stringify(pack, null, 2)}\n`);
  const html = Buffer.from(renderAuditPackHtml(pack));
  const manifest = Buffer.from([['report.html', html], ['report.json', json]].map(([name, bytes]) => `${hex(bytes as Buffer)}  ${name as string}\n`).join(''));
  return { 'report.html': html, 'report.json': json, 'MANIFEST.sha256': manifest };
}

function hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `audit-packs/<tenant>/<quarter>/`: readable by that controller's auditor role only. */
export const packPrefix = (tenantId: string, quarter: string) => `${AUDIT_PACK_PREFIX}${tenantId}/${quarter}/`;

const CONTENT_TYPES = { 'report.html': 'text/html; charset=utf-8', 'report.json': 'application/json; charset=utf-8', 'MANIFEST.sha256': 'text/plain; charset=utf-8' } as const;

/**
 * Stores the pack in the audit bucket, whose default Object Lock (COMPLIANCE) retention locks each
 * object as it is written; S3 verifies each upload's SHA-256. Returns the keys and version ids.
 */
export async function storePack(s3: S3Client, bucket: string, pack: AuditPack, files: PackFiles): Promise<Array<{ key: string; versionId: string | undefined }>> {
  const stored: Array<{ key: string; versionId: string | undefined }> = [];
  for (const [name, body] of Object.entries(files) as Array<[keyof PackFiles, Buffer]>) {
    const key = `${packPrefix(pack.tenantId, pack.quarter.label)}${name}`;
    const result = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: CONTENT_TYPES[name],
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      }),
    );
    stored.push({ key, versionId: result.VersionId });
  }
  return stored;
}
