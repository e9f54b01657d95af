import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { scrubbedPath } from '../../../lambdas/shared/visits/url-scrubbing.js';
import { deriveVisitKeys } from '../../../lambdas/shared/visits/visit-keys.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { visitsApiHarness, type VisitsApiHarness } from '../../support/visits-api-harness.js';

/** The inputs of the review (issue 14, item 3) through the visits function on DynamoDB Local. */
let table: TestVisitsTable;
let api: VisitsApiHarness;
const visitorIp = '81.2.69.161'; // a government network: stored

beforeAll(async () => {
  table = await createTestVisitsTable();
  api = visitsApiHarness(table);
});
afterAll(async () => {
  await table.drop();
});

describe('POST /v1/visits refuses a site or host that is an IP address', () => {
  it.each([
    ['a site id that is an IPv4 address', { siteId: '81.2.69.46', pageUrl: 'https://a.example/' }, 'siteId'],
    ['a site id that is an IPv6 address', { siteId: '2a02:cf40::99', pageUrl: 'https://a.example/' }, 'siteId'],
    ['a page URL on an IPv4 host', { siteId: 'a.example', pageUrl: 'http://81.2.69.45/x' }, 'pageUrl'],
    ['a referrer on an IPv6 host', { siteId: 'a.example', pageUrl: 'https://a.example/', referrer: 'http://[2a02:cf40::99]/' }, 'referrer'],
  ])('%s → 400 IP_ADDRESS_NOT_ALLOWED, nothing stored, the address not echoed', async (_, body, field) => {
    const before = await table.items();
    const answer = await api.record({ ...body, visitorIp });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'IP_ADDRESS_NOT_ALLOWED', details: { field } } } });
    expect(JSON.stringify(answer.body)).not.toMatch(/81\.2\.69|2a02/);
    expect(await table.items()).toEqual(before);
  });

  it('refuses the same as a list filter', async () => {
    expect(await api.list({ siteId: '81.2.69.46' })).toMatchObject({ status: 400, body: { error: { code: 'IP_ADDRESS_NOT_ALLOWED', details: { parameter: 'siteId' } } } });
  });
});

describe('POST /v1/visits stores URL paths without addresses, e-mail addresses or tokens', () => {
  it.each([
    ['https://a.example/u/81.2.69.44/profile', 'https://a.example/u/[ip]/profile'],
    ['https://a.example/users/jane.doe@example.org/reset-token-abc123', 'https://a.example/users/[email]/[token]'],
    ['https://a.example/users/jane.doe%40example.org/', 'https://a.example/users/[email]/'],
    ['https://a.example/peer/2a02%3Acf40%3A%3A99/x', 'https://a.example/peer/[ip]/x'],
    ['https://a.example/host-81.2.69.44.nip.io/', 'https://a.example/[ip]/'],
    ['https://a.example/session/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'https://a.example/session/[token]'],
    ['https://a.example/order/550e8400-e29b-41d4-a716-446655440000/status', 'https://a.example/order/[token]/status'],
    ['https://a.example/call/004915112345678', 'https://a.example/call/[token]'],
    ['https://a.example/products/42/reviews', 'https://a.example/products/42/reviews'],
    ['https://a.example/blog/2026/05/eu-only-analytics', 'https://a.example/blog/2026/05/eu-only-analytics'],
    ['https://a.example/shop/iphone-15-pro', 'https://a.example/shop/iphone-15-pro'],
  ])('%s is stored as %s', async (pageUrl, stored) => {
    const { status, body } = await api.record({ siteId: 'a.example', pageUrl, referrer: pageUrl, visitorIp });
    expect(status).toBe(201);
    expect(body.visit).toMatchObject({ pageUrl: stored, referrer: stored });
    const item = (await table.items()).find((i) => i.visitId === body.visit.visitId)!;
    expect(item).toMatchObject({ pageUrl: stored, referrer: stored });
  });

  it('keeps the path shape: only the offending segments change', () => {
    expect(scrubbedPath('/a/81.2.69.44/b/jane@example.org/c/')).toBe('/a/[ip]/b/[email]/c/');
    expect(scrubbedPath('/')).toBe('/');
  });
});

describe('per-tenant pseudonym keys', () => {
  // Computed independently (Python hmac/hashlib: HKDF-SHA256 extract+expand with salt=tenant id, then HMAC-SHA256 of the address).
  it('derive a fixed pseudonym from a fixed secret, tenant and address (known answer)', () => {
    const keys = deriveVisitKeys('known-answer-secret-0123456789abcdef0123456789', 'acme');
    expect(keys.pseudonymise(parseIpAddress('81.2.69.160')!)).toBe('nzOD8r4wM1lX0UUBl27PfLAj9CD1AljyK7nf_uJIVsI');
  });

  it('derive a fixed cursor key from a fixed secret and tenant (known answer): a changed derivation fails here first', () => {
    // Python: HKDF-SHA256(ikm=secret, salt=b'acme', info=b'eu-ip-enrichment/list-cursor/v2', length=32).
    const keys = deriveVisitKeys('known-answer-secret-0123456789abcdef0123456789', 'acme');
    expect(keys.cursorKey.toString('hex')).toBe('8a309b0e4076424df375e1a5c4ea4d44fd93b2e3e419bc38f63b157819ab1eac');
  });

  it('give unrelated pseudonyms to the same address under two tenants, even with the same secret', () => {
    const secret = 'known-answer-secret-0123456789abcdef0123456789';
    const address = parseIpAddress('81.2.69.160')!;
    expect(deriveVisitKeys(secret, 'acme').pseudonymise(address)).not.toBe(deriveVisitKeys(secret, 'globex').pseudonymise(address));
  });
});
