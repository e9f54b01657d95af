import { createHmac, hkdfSync } from 'node:crypto';
import { cachedAsync } from '../config/cached-async.js';
import type { IpAddress } from '../ip/ip-address.js';

/**
 * The keys of one tenant, derived from that tenant's own secret (a Secrets Manager secret per tenant,
 * or .local/ when run locally). Destroying a tenant's secret at the end of its contract makes every
 * pseudonym of that tenant, wherever a copy survives (backups, logs, the audit trail), unlinkable to
 * any address: crypto-shredding.
 */
export interface VisitKeys {
  readonly tenantId: string;
  /**
   * The keyed pseudonym of a visitor address: the same address gives the same pseudonym within the
   * tenant (so access and erasure requests find its visits), unrelated pseudonyms across tenants, and
   * nobody without the tenant's secret can recompute or reverse it.
   */
  pseudonymise(address: IpAddress): string;
  /** Authenticates list cursors. */
  readonly cursorKey: Buffer;
}

/** The keys of a tenant, fetched once per container and tenant. */
export type VisitKeysOf = (tenantId: string) => Promise<VisitKeys>;

export const MIN_SECRET_LENGTH = 32;

/** HKDF-SHA256 over the tenant's secret, salted with its id, a distinct label per use: no key serves two purposes or two tenants. */
export function deriveVisitKeys(secret: string, tenantId: string): VisitKeys {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the pseudonym secret must be at least ${MIN_SECRET_LENGTH} characters`);
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', secret, tenantId, `eu-ip-enrichment/${label}/v2`, 32));
  const pseudonymKey = derive('visitor-pseudonym');
  return {
    tenantId,
    pseudonymise: (address) => createHmac('sha256', pseudonymKey).update(address.text).digest('base64url'),
    cursorKey: derive('list-cursor'),
  };
}

/** Each tenant's keys from its own secret, read once per container (a failed read is retried by the next call). */
export function visitKeysFromSecrets(readSecret: (tenantId: string) => Promise<string>): VisitKeysOf {
  const loaders = new Map<string, () => Promise<VisitKeys>>();
  return (tenantId) => {
    let load = loaders.get(tenantId);
    if (load === undefined) {
      load = cachedAsync(async () => deriveVisitKeys(await readSecret(tenantId), tenantId));
      loaders.set(tenantId, load);
    }
    return load();
  };
}

/**
 * Where there is no secret store (the local server, tests, benchmarks), one local secret stands in for
 * the per-tenant secrets: each tenant's secret is derived from it. Never used in a deployment, where
 * each tenant's secret is generated on its own so that it can be destroyed on its own.
 */
export function localTenantSecret(localSecret: string, tenantId: string): string {
  return Buffer.from(hkdfSync('sha256', localSecret, tenantId, 'eu-ip-enrichment/local-tenant-secret/v1', 32)).toString('hex');
}

/** Synchronous keys of every tenant from one local secret (see localTenantSecret). */
export const localVisitKeys = (localSecret: string) => (tenantId: string) => deriveVisitKeys(localTenantSecret(localSecret, tenantId), tenantId);
