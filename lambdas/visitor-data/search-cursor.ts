import { badRequest } from '../shared/http/http-error.js';

/** Far above any cursor this API issues (about 110 characters). */
export const MAX_SEARCH_CURSOR_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A search cursor is the repository position (the last visit's sort key) in base64url. It needs no
 * signature, unlike the list cursor: it carries no window, site or tenant the server would trust;
 * the tenant comes from the API key and the visitor from the address in the same request, so an
 * altered cursor can only move where the caller's own listing of that address resumes.
 */
export const encodeSearchCursor = (position: string): string => Buffer.from(position, 'utf8').toString('base64url');

export function decodeSearchCursor(cursor: string): string {
  if (cursor.length > MAX_SEARCH_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalidSearchCursor();
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

export const invalidSearchCursor = () => badRequest('INVALID_CURSOR', 'The cursor is not one this API issued for this search.');
