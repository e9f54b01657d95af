import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One tenant's local API key: the value clients send and the key id the functions see. */
export interface LocalApiKey {
  readonly tenantId: string;
  readonly apiKey: string;
  readonly apiKeyId: string;
}

/**
 * The local stand-in for the deployment's Secrets Manager secret: 32 random bytes, created on first
 * run and kept (owner-only) so pseudonyms stay stable across restarts of a persisted database.
 */
export function loadOrCreatePseudonymSecret(file: string): string {
  return readOrCreate(file, () => randomBytes(32).toString('hex')).trim();
}

/** Stable local API keys per configured tenant, kept next to the secret (owner-only); `kind` names them (integration or rights). */
export function loadOrCreateApiKeys(file: string, tenantIds: readonly string[], kind = ''): LocalApiKey[] {
  const known = JSON.parse(readOrCreate(file, () => '[]')) as LocalApiKey[];
  const keys = tenantIds.map(
    (tenantId) =>
      known.find((key) => key.tenantId === tenantId) ?? {
        tenantId,
        apiKey: `local-${kind}${tenantId}-${randomBytes(18).toString('base64url')}`,
        apiKeyId: `localkey${randomBytes(5).toString('hex')}`,
      },
  );
  writeOwnerOnly(file, `${JSON.stringify(keys, null, 2)}\n`);
  return keys;
}

function readOrCreate(file: string, create: () => string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const contents = create();
    writeOwnerOnly(file, contents);
    return contents;
  }
}

function writeOwnerOnly(file: string, contents: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, contents, { mode: 0o600 });
}
