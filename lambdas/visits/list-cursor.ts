import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../shared/http/http-error.js';

/** What a list cursor carries: whose listing, which window, and where the last page ended. */
export interface CursorState {
  readonly tenantId: string;
  readonly from: string;
  readonly to: string;
  readonly siteId: string | null;
  /** Opaque repository position: where the merge of the tenant's shards stands (a sort key and which shards are exhausted). */
  readonly position: string;
}

/** Far above any real cursor (a few hundred characters): refuse before decoding. */
export const MAX_CURSOR_LENGTH = 1024;

/**
 * Cursors are `<payload>.<mac>`, both base64url, the MAC an HMAC-SHA256 over the payload. A client
 * cannot forge or alter one, so a cursor can only continue the listing it was issued for, and only
 * for the tenant it was issued to: presenting it with another tenant's key is refused.
 */
export function encodeCursor(key: Buffer, state: CursorState): string {
  const payload = Buffer.from(
    JSON.stringify([state.tenantId, state.from, state.to, state.siteId, state.position]),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export function decodeCursor(key: Buffer, token: string, callerTenantId: string): CursorState {
  const invalid = () => badRequest('INVALID_CURSOR', 'The cursor is not one this API issued for this listing.');
  if (token.length > MAX_CURSOR_LENGTH) throw invalid();
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();

  const fields = parseJson(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!Array.isArray(fields) || fields.length !== 5) throw invalid();
  const [tenantId, from, to, siteId, position] = fields as unknown[];
  if (tenantId !== callerTenantId) throw invalid();
  if (typeof from !== 'string' || typeof to !== 'string' || typeof position !== 'string') throw invalid();
  if (siteId !== null && typeof siteId !== 'string') throw invalid();
  return { tenantId, from, to, siteId, position };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
