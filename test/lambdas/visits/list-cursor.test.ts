import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../lambdas/shared/http/http-error.js';
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH, type CursorState } from '../../../lambdas/visits/list-cursor.js';

const key = randomBytes(32);
const state: CursorState = {
  tenantId: 'tenant-a',
  from: '2025-05-01T00:00:00.000Z',
  to: '2025-06-01T00:00:00.000Z',
  siteId: 'www.example.com',
  position: 'VISIT#2025-05-20T10:00:00.000Z#0b9f8a4e-7d1c-4a52-9a0e-1f2d3c4b5a69',
};

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const isInvalidCursor = (error: unknown) => error instanceof HttpError && error.statusCode === 400 && error.code === 'INVALID_CURSOR';

describe('list cursors', () => {
  it('round-trip for the tenant they were issued to', () => {
    const token = encodeCursor(key, state);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(decodeCursor(key, token, 'tenant-a')).toEqual(state);
    expect(decodeCursor(key, encodeCursor(key, { ...state, siteId: null }), 'tenant-a')).toEqual({ ...state, siteId: null });
  });

  it('are refused for another tenant, although genuine', () => {
    expect(isInvalidCursor(refusal(() => decodeCursor(key, encodeCursor(key, state), 'tenant-b')))).toBe(true);
  });

  it('are refused when made with another key (another deployment)', () => {
    expect(isInvalidCursor(refusal(() => decodeCursor(key, encodeCursor(randomBytes(32), state), 'tenant-a')))).toBe(true);
  });

  it('are refused when forged: another tenant written into the payload keeps the old MAC', () => {
    const [, mac] = encodeCursor(key, state).split('.');
    const forgedPayload = Buffer.from(JSON.stringify(['tenant-b', state.from, state.to, state.siteId, state.position])).toString('base64url');
    expect(isInvalidCursor(refusal(() => decodeCursor(key, `${forgedPayload}.${mac}`, 'tenant-b')))).toBe(true);
  });

  it('are refused after any single-character change', () => {
    const token = encodeCursor(key, state);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet), (index, character) => {
        fc.pre(token[index] !== character);
        const tampered = token.slice(0, index) + character + token.slice(index + 1);
        const error = refusal(() => decodeCursor(key, tampered, 'tenant-a'));
        // base64url has unused low bits in the last character: an edit there can decode to the same bytes.
        if (error === undefined) expect(decodeCursor(key, tampered, 'tenant-a')).toEqual(state);
        else expect(isInvalidCursor(error)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['', '.', 'abc', 'abc.def', 'a.b.c', `${'A'.repeat(MAX_CURSOR_LENGTH)}.x`, '😀.😀'])('refuses garbage %j as INVALID_CURSOR', (token) => {
    expect(isInvalidCursor(refusal(() => decodeCursor(key, token, 'tenant-a')))).toBe(true);
  });
});
