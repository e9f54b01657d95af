import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snippetFile } from '../../../lambdas/collect/snippet/snippet-file.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import {
  BLOG_KEY,
  BROWSER_USER_AGENT,
  collectorHarness,
  GOVERNMENT_VISITOR,
  RESIDENTIAL_VISITOR,
  SHOP_KEY,
  type CollectorHarness,
} from '../../support/collector-harness.js';

const view = { siteKey: SHOP_KEY, pageUrl: 'https://shop.example.com/pricing', referrer: 'https://search.example/' };

let table: TestVisitsTable;
let collector: CollectorHarness;

/** The visits stored in the table (counter items of the per-site ceiling left out). */
const visits = async () => (await table.items()).filter((item) => String(item.pk).startsWith('TENANT#'));

beforeAll(async () => {
  table = await createTestVisitsTable();
  collector = collectorHarness(table);
});
afterAll(async () => {
  await table.drop();
});

describe('POST /v1/collect: recorded page views', () => {
  it('stores an organisation visitor’s page view through the visit pipeline and answers 204 with no body', async () => {
    const before = (await visits()).length;
    const { status, result, logs } = await collector.beacon({ ...view, pageUrl: 'https://shop.example.com/pricing?utm=jane@example.org#plans' });
    expect(status).toBe(204);
    expect(result.body).toBe('');
    expect(result.headers).toMatchObject({ 'access-control-allow-origin': 'https://shop.example.com', vary: 'Origin' });

    const stored = await visits();
    expect(stored).toHaveLength(before + 1);
    const item = stored.at(-1)!;
    expect(String(item.pk)).toMatch(/^TENANT#tenant-a(#|$)/);
    expect(item).toMatchObject({
      siteId: 'shop.example.com',
      pageUrl: 'https://shop.example.com/pricing',
      referrer: 'https://search.example/',
      visitorKey: `TENANT#tenant-a#IP#${collector.keys.pseudonymise('tenant-a', parseIpAddress(GOVERNMENT_VISITOR)!)}`,
      expiresAt: Math.floor(collector.now.getTime() / 1000) + 30 * 86_400,
      company: { classification: 'government', network: '81.2.69.0/24' },
    });
    expect(JSON.stringify(item)).not.toContain(GOVERNMENT_VISITOR);
    expect(JSON.stringify(item)).not.toContain('jane@example.org');
    expect(logs).not.toContain(GOVERNMENT_VISITOR);
  });

  it('takes the visitor’s address from the connection only: forwarding headers are ignored', async () => {
    const spoofed = { 'X-Forwarded-For': GOVERNMENT_VISITOR, Forwarded: `for=${GOVERNMENT_VISITOR}`, 'X-Real-IP': GOVERNMENT_VISITOR };
    const before = (await visits()).length;
    const fromHome = await collector.beacon(view, { sourceIp: RESIDENTIAL_VISITOR, headers: spoofed });
    expect(fromHome.status).toBe(204);
    expect(await visits()).toHaveLength(before); // a residential connection claiming a government address: nothing stored

    const spoofedHome = { 'X-Forwarded-For': RESIDENTIAL_VISITOR, Forwarded: `for=${RESIDENTIAL_VISITOR}`, 'X-Real-IP': RESIDENTIAL_VISITOR };
    await collector.beacon(view, { sourceIp: GOVERNMENT_VISITOR, headers: spoofedHome });
    const stored = await visits();
    expect(stored).toHaveLength(before + 1);
    expect(stored.at(-1)!.visitorKey).toBe(`TENANT#tenant-a#IP#${collector.keys.pseudonymise('tenant-a', parseIpAddress(GOVERNMENT_VISITOR)!)}`);
  });

  it('accepts the Referer’s origin when the browser sends no Origin (or Origin: null)', async () => {
    const referer = { Origin: undefined, Referer: 'https://www.shop.example.com/cart?id=7' };
    const page = { ...view, pageUrl: 'https://www.shop.example.com/cart' };
    expect((await collector.beacon(page, { headers: referer })).status).toBe(204);
    expect((await collector.beacon(page, { headers: { ...referer, Origin: 'null' } })).status).toBe(204);
  });

  it('does not ask for an origin’s header case: Origin is matched case-insensitively', async () => {
    expect((await collector.beacon(view, { headers: { Origin: 'https://SHOP.example.com' } })).status).toBe(204);
  });
});

describe('POST /v1/collect: nothing stored, still 204', () => {
  it.each([
    ['Sec-GPC: 1', { 'Sec-GPC': '1' }, 'GLOBAL_PRIVACY_CONTROL'],
    ['DNT: 1', { DNT: '1' }, 'DO_NOT_TRACK'],
    ['a crawler', { 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, 'AUTOMATED_AGENT'],
    ['a headless browser', { 'User-Agent': BROWSER_USER_AGENT.replace('Chrome/', 'HeadlessChrome/') }, 'AUTOMATED_AGENT'],
    ['a link previewer', { 'User-Agent': 'facebookexternalhit/1.1' }, 'AUTOMATED_AGENT'],
    ['an HTTP library', { 'User-Agent': 'python-requests/2.32.3' }, 'AUTOMATED_AGENT'],
    ['an empty User-Agent', { 'User-Agent': ' ' }, 'AUTOMATED_AGENT'],
  ])('%s on a site that honours it', async (_, headers, reason) => {
    const before = (await table.items()).length;
    const { status, result, logs } = await collector.beacon(view, { headers });
    expect(status).toBe(204);
    expect(result.body).toBe('');
    expect(await table.items()).toHaveLength(before); // not even the ceiling's counter moved
    expect(logs).toContain(`"reason":"${reason}"`);
  });

  it('records Sec-GPC and DNT visitors on a site that does not honour them', async () => {
    const before = (await visits()).length;
    const blog = { siteKey: BLOG_KEY, pageUrl: 'https://blog.example.org/post' };
    const { status } = await collector.beacon(blog, { headers: { Origin: 'https://blog.example.org', 'Sec-GPC': '1', DNT: '1' } });
    expect(status).toBe(204);
    expect((await visits()).filter((item) => String(item.pk).startsWith('TENANT#tenant-b'))).toHaveLength(1);
    expect(await visits()).toHaveLength(before + 1);
  });
});

describe('POST /v1/collect: refused, counted, nothing stored', () => {
  const text = 'text/plain;charset=UTF-8';
  it.each([
    ['an unknown key', { ...view, siteKey: 'pk_unknown_0123456789abcdef' }, {}, 403, 'UNKNOWN_SITE_KEY'],
    ['a tenant API key as siteKey', { ...view, siteKey: 'key-tenant-a' }, {}, 403, 'UNKNOWN_SITE_KEY'],
    ['a foreign Origin', view, { Origin: 'https://evil.example' }, 403, 'ORIGIN_NOT_ALLOWED'],
    ['another tenant’s origin', view, { Origin: 'https://blog.example.org' }, 403, 'ORIGIN_NOT_ALLOWED'],
    ['an origin on another scheme', view, { Origin: 'http://shop.example.com' }, 403, 'ORIGIN_NOT_ALLOWED'],
    ['no Origin and no Referer', view, { Origin: undefined }, 403, 'ORIGIN_NOT_ALLOWED'],
    ['a foreign Referer without Origin', view, { Origin: undefined, Referer: 'https://evil.example/shop.example.com' }, 403, 'ORIGIN_NOT_ALLOWED'],
    ['a page on another origin of the site', { ...view, pageUrl: 'https://www.shop.example.com/' }, {}, 400, 'PAGE_NOT_ON_SITE'],
    ['a page on a foreign site', { ...view, pageUrl: 'https://evil.example/pricing' }, {}, 400, 'PAGE_NOT_ON_SITE'],
    ['a page whose host is an IPv4 address', { ...view, pageUrl: 'https://81.2.69.161/pricing' }, {}, 400, 'IP_ADDRESS_HOST'],
    ['a page whose host is an IPv6 address', { ...view, pageUrl: 'https://[2001:480:10::1]/' }, {}, 400, 'IP_ADDRESS_HOST'],
    ['a page that is no URL', { ...view, pageUrl: 'pricing' }, {}, 400, 'INVALID_FIELD'],
    ['a javascript: page', { ...view, pageUrl: 'javascript:alert(1)' }, {}, 400, 'INVALID_FIELD'],
    ['a referrer that is no URL', { ...view, referrer: 42 }, {}, 400, 'INVALID_FIELD'],
    ['no siteKey', { pageUrl: view.pageUrl }, {}, 400, 'MISSING_FIELD'],
    ['no pageUrl', { siteKey: SHOP_KEY }, {}, 400, 'MISSING_FIELD'],
    ['a siteKey that is not a string', { ...view, siteKey: ['pk'] }, {}, 400, 'INVALID_FIELD'],
    ['an unknown field', { ...view, visitorIp: GOVERNMENT_VISITOR }, {}, 400, 'UNKNOWN_FIELD'],
    ['a body that is not an object', [view], {}, 400, 'INVALID_BODY'],
    ['malformed JSON', '{"siteKey":', {}, 400, 'INVALID_JSON'],
    ['an empty body', '', {}, 400, 'BODY_REQUIRED'],
    ['an oversized body', { ...view, referrer: `https://search.example/${'a'.repeat(9000)}` }, {}, 413, 'PAYLOAD_TOO_LARGE'],
    ['application/json', view, { 'Content-Type': 'application/json' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a form post', view, { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain in another charset', view, { 'Content-Type': 'text/plain; charset=iso-8859-1' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['no Content-Type', view, { 'Content-Type': undefined }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('%s', async (_, body, headers, status, code) => {
    const before = (await table.items()).length;
    const answer = await collector.beacon(body, { headers: { 'Content-Type': text, ...headers } });
    expect(answer).toMatchObject({ status, body: { error: { code } } });
    expect(answer.result.headers).not.toHaveProperty('access-control-allow-origin');
    expect(await table.items()).toHaveLength(before);
    expect(answer.logs).toContain(`"code":"${code}"`);
    expect(answer.logs).not.toContain(GOVERNMENT_VISITOR);
  });

  it('refuses a query string, and a loopback connection (not a public address)', async () => {
    expect(await collector.beacon(view, { query: { ip: GOVERNMENT_VISITOR } })).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_PARAMETER' } } });
    expect(await collector.beacon(view, { sourceIp: '127.0.0.1' })).toMatchObject({ status: 422, body: { error: { code: 'NOT_PUBLIC_ADDRESS' } } });
  });

  it('answers other methods 405', async () => {
    const answer = await collector.call({ method: 'GET', resource: '/v1/collect', apiKeyId: null });
    expect(answer).toMatchObject({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED' } } });
  });
});

describe('POST /v1/collect: the per-site ceiling', () => {
  const blog = { siteKey: BLOG_KEY, pageUrl: 'https://blog.example.org/' };
  const fromBlog = { headers: { Origin: 'https://blog.example.org' }, sourceIp: RESIDENTIAL_VISITOR };

  it('refuses a site’s page views past its ceiling for the minute, and not another site’s', async () => {
    collector.now = new Date(Date.UTC(2031, 0, 1, 12, 0, 5));
    // The blog allows 3 a minute, one of which an earlier test used in another minute: this minute is fresh.
    for (let i = 0; i < 3; i++) expect((await collector.beacon(blog, fromBlog)).status).toBe(204);
    const refused = await collector.beacon(blog, fromBlog);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'SITE_RATE_LIMITED' } } });
    expect(refused.logs).toContain('"code":"SITE_RATE_LIMITED"');
    expect((await collector.beacon(view, { sourceIp: RESIDENTIAL_VISITOR })).status).toBe(204); // the shop goes on

    collector.now = new Date(Date.UTC(2031, 0, 1, 12, 1, 0)); // the next minute
    expect((await collector.beacon(blog, fromBlog)).status).toBe(204);

    const counters = (await table.items()).filter((item) => item.pk === 'SITE#tenant-b#blog.example.org');
    expect(counters.map((item) => item.pageViews).sort()).toEqual(expect.arrayContaining([3, 1]));
    for (const counter of counters) expect(Object.keys(counter).sort()).toEqual(['expiresAt', 'pageViews', 'pk', 'sk']);
  });
});

describe('GET /v1/snippet.js', () => {
  const snippet = snippetFile();
  const get = (query?: Record<string, string>) => collector.call({ method: 'GET', resource: '/v1/snippet.js', apiKeyId: null, query });

  it('serves the snippet: JavaScript, cached a year at its versioned URL, an hour at the plain one, loadable with SRI', async () => {
    const versioned = await get({ v: snippet.version });
    expect(versioned.status).toBe(200);
    expect(versioned.result.body).toBe(snippet.source);
    expect(versioned.result.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${snippet.version}"`,
      'access-control-allow-origin': '*',
    });
    expect((await get()).result.headers).toMatchObject({ 'cache-control': 'public, max-age=3600' });
  });

  it('refuses a version it does not serve rather than serving other content under a pinned URL', async () => {
    expect(await get({ v: 'old' })).toMatchObject({ status: 404, body: { error: { code: 'SNIPPET_VERSION_UNKNOWN', details: { version: snippet.version } } } });
    expect(await get({ callback: 'x' })).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_PARAMETER' } } });
  });
});
