import { createHmac, hkdfSync } from 'node:crypto';
import type { IpAddress } from '../ip/ip-address.js';

/** Keys the visits service derives from the one per-deployment secret (Secrets Manager, or .local/ when run locally). */
export interface VisitKeys {
  /**
   * The keyed pseudonym of a visitor address, scoped to one tenant: the same address gives the same
   * pseudonym within a tenant (so access and erasure requests find its visits) but unrelated
   * pseudonyms across tenants, and nobody without the secret can recompute or reverse it.
   */
  pseudonymise(tenantId: string, address: IpAddress): string;
  /** Authenticates list cursors. */
  readonly cursorKey: Buffer;
}

export const MIN_SECRET_LENGTH = 32;

/** HKDF-SHA256 with a distinct label per use, so no key ever serves two purposes. */
export function deriveVisitKeys(secret: string): VisitKeys {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the pseudonym secret must be at least ${MIN_SECRET_LENGTH} characters`);
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', secret, '', `eu-ip-enrichment/${label}/v1`, 32));
  const pseudonymKey = derive('visitor-pseudonym');
  return {
    pseudonymise: (tenantId, address) => createHmac('sha256', pseudonymKey).update(`${tenantId}\n${address.text}`).digest('base64url'),
    cursorKey: derive('list-cursor'),
  };
}
