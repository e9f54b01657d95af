import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSite, type DemoSite } from '../../bin/local/demo-site.js';
import type { LocalApi } from '../../bin/local/local-api.js';
import type { CollectorSite } from '../../lambdas/shared/sites/site.js';
import { launchChromium } from '../support/chromium.js';
import { BROWSER_USER_AGENT, GOVERNMENT_VISITOR } from '../support/collector-harness.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { startTestLocalApi } from '../support/local-api.js';

/**
 * The snippet as a visitor's browser runs it: Debian's headless Chromium (driven by puppeteer-core)
 * opens pages of a test site on its own origin (http://localhost:<port>), served with a strict Content
 * Security Policy and the snippet's script tag as the README gives it, against the local server
 * (API Gateway adapter, the collector function, DynamoDB Local). The local server is told to take the
 * browser for 81.2.69.161, a government network in MaxMind's test database, since loopback is not
 * public. Visits are read back through GET /v1/visits, as the controller reads them.
 *
 * Headless Chromium says "HeadlessChrome" in its User-Agent, which the collector (rightly) does not
 * record: each page here sends the User-Agent of a desktop Chrome instead. The crawler rule itself is
 * tested in test/lambdas/collect/collector-api.test.ts.
 */

const API_KEY = { tenantId: 'tenant-a', apiKey: 'browser-test-key-a', apiKeyId: 'key-id-a' };
const SITE_KEY = 'pk_browser_test_site_0123456789';

let table: TestVisitsTable;
let site: DemoSite;
let foreignSite: DemoSite;
let api: LocalApi;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  table = await createTestVisitsTable();
  site = await startDemoSite();
  foreignSite = await startDemoSite();
  const testSite: CollectorSite = {
    tenantId: API_KEY.tenantId,
    siteId: 'browser-test.localhost',
    allowedOrigins: [site.origin],
    honourGlobalPrivacyControl: true,
    honourDoNotTrack: true,
    pageViewsPerMinute: 600,
  };
  api = await startTestLocalApi(table, [API_KEY], { sites: { [SITE_KEY]: testSite }, pretendVisitorIp: GOVERNMENT_VISITOR });
  site.serve({ apiUrl: api.url, siteKey: SITE_KEY });
  foreignSite.serve({ apiUrl: api.url, siteKey: SITE_KEY });
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await api?.close();
  await site?.close();
  await foreignSite?.close();
  await table?.drop();
});

interface Visit {
  readonly pageUrl: string;
  readonly referrer: string | null;
  readonly company: { readonly classification: string };
}

/** The tenant's visits, newest first, as GET /v1/visits lists them. */
async function listedVisits(): Promise<Visit[]> {
  const response = await fetch(`${api.url}/v1/visits`, { headers: { 'x-api-key': API_KEY.apiKey } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { visits: Visit[] }).visits;
}

async function visitsOnceThere(count: number): Promise<Visit[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const visits = await listedVisits();
    if (visits.length >= count || Date.now() > deadline) return visits;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Observed {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every URL the page requested. */
  readonly requests: string[];
  /** Answers of the collector: status and how the browser sent the request (ping = sendBeacon). */
  readonly beacons: Array<{ status: number; type: string; contentType: string | undefined }>;
  cspViolations(): Promise<string[]>;
  beaconsAnswered(count: number): Promise<void>;
}

/** A fresh profile (incognito context) and page that records its requests, collector answers and CSP violations. */
async function observedPage(prepare?: (page: Page) => Promise<unknown>): Promise<Observed> {
  const context = await chromium.browser.createBrowserContext();
  const page = await context.newPage();
  await page.setUserAgent(BROWSER_USER_AGENT);
  // Browser-side code is given as text: it runs in the page (DevTools-injected, so outside the page's CSP).
  await page.evaluateOnNewDocument(`
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));
  `);
  await prepare?.(page);
  const requests: string[] = [];
  const beacons: Observed['beacons'] = [];
  page.on('request', (request) => void requests.push(request.url()));
  page.on('response', (response) => {
    const request = response.request();
    if (new URL(request.url()).pathname === '/v1/collect') {
      beacons.push({ status: response.status(), type: request.resourceType(), contentType: request.headers()['content-type'] });
    }
  });
  return {
    page,
    context,
    requests,
    beacons,
    cspViolations: () => page.evaluate('window.cspViolations') as Promise<string[]>,
    async beaconsAnswered(count) {
      const deadline = Date.now() + 10_000;
      while (beacons.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(beacons.length, 'collector answers seen').toBe(count);
    },
  };
}

describe('the snippet in headless Chromium', () => {
  it('records a page view and single-page navigations (origin and path only), under a strict CSP, writing no cookie or storage and calling nobody else', async () => {
    const before = (await listedVisits()).length;
    const observed = await observedPage();
    const { page } = observed;
    await page.goto(`${site.origin}/?utm_source=newsletter&email=jane@example.org#top`, { waitUntil: 'load' });
    await observed.beaconsAnswered(1);

    await page.click('a[href="/pricing"]'); // the demo's single-page navigation: history.pushState
    await observed.beaconsAnswered(2);
    await page.evaluate(`history.pushState({}, '', '/about?tab=team#people')`);
    await observed.beaconsAnswered(3);
    await page.evaluate(`history.replaceState({}, '', '/about?tab=history')`); // same path: not a new page view
    await page.evaluate('history.back()'); // popstate back to /pricing
    await observed.beaconsAnswered(4);

    const visits = (await visitsOnceThere(before + 4)).slice(0, 4).reverse();
    expect(visits.map((visit) => [visit.pageUrl, visit.referrer])).toEqual([
      [`${site.origin}/`, null],
      [`${site.origin}/pricing`, `${site.origin}/`],
      [`${site.origin}/about`, `${site.origin}/pricing`],
      [`${site.origin}/pricing`, `${site.origin}/about`],
    ]);
    expect(visits.every((visit) => visit.company.classification === 'government')).toBe(true);
    expect(observed.beacons).toEqual(Array(4).fill({ status: 204, type: 'ping', contentType: 'text/plain;charset=UTF-8' }));

    const client = await page.createCDPSession();
    const { cookies } = await client.send('Network.getCookies', { urls: [site.origin, api.url] });
    expect(cookies).toEqual([]);
    const stored = await page.evaluate(`(async () => [document.cookie, localStorage.length, sessionStorage.length, (await indexedDB.databases()).length])()`);
    expect(stored).toEqual(['', 0, 0, 0]);
    expect(await observed.cspViolations()).toEqual([]);
    const origins = new Set(observed.requests.map((url) => new URL(url).origin));
    expect([...origins].sort()).toEqual([new URL(api.url).origin, site.origin].sort());
    await observed.context.close();
  }, 60_000);

  it('records nothing for a visitor whose browser sends Global Privacy Control (the collector still answers 204)', async () => {
    const before = (await listedVisits()).length;
    const observed = await observedPage((page) => page.setExtraHTTPHeaders({ 'Sec-GPC': '1' }));
    await observed.page.goto(`${site.origin}/pricing`, { waitUntil: 'load' });
    await observed.beaconsAnswered(1);
    expect(observed.beacons[0]!.status).toBe(204);
    expect(await listedVisits()).toHaveLength(before);
    await observed.context.close();
  }, 60_000);

  it('is refused on a page of an origin the site does not allow', async () => {
    const before = (await listedVisits()).length;
    const observed = await observedPage();
    await observed.page.goto(`${foreignSite.origin}/`, { waitUntil: 'load' });
    await observed.beaconsAnswered(1);
    expect(observed.beacons[0]!.status).toBe(403);
    expect(await listedVisits()).toHaveLength(before);
    await observed.context.close();
  }, 60_000);

  it('sends nothing until the site’s consent manager calls euIpVisits.grantConsent()', async () => {
    const before = (await listedVisits()).length;
    const observed = await observedPage();
    await observed.page.goto(`${site.origin}/consent`, { waitUntil: 'load' });
    await observed.page.evaluate(`history.pushState({}, '', '/consent/step-2')`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(observed.beacons).toEqual([]);

    await observed.page.click('#consent'); // the demo's consent button calls euIpVisits.grantConsent()
    await observed.beaconsAnswered(1);
    const [latest] = await visitsOnceThere(before + 1);
    expect(latest!.pageUrl).toBe(`${site.origin}/consent/step-2`);
    expect(await observed.cspViolations()).toEqual([]);
    await observed.context.close();
  }, 60_000);

  it('falls back to fetch with keepalive when sendBeacon does not queue the page view', async () => {
    const before = (await listedVisits()).length;
    const observed = await observedPage((page) =>
      page.evaluateOnNewDocument(`Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: () => false })`),
    );
    await observed.page.goto(`${site.origin}/about`, { waitUntil: 'load' });
    await observed.beaconsAnswered(1);
    expect(observed.beacons[0]).toMatchObject({ status: 204, type: 'fetch', contentType: 'text/plain;charset=UTF-8' });
    const [latest] = await visitsOnceThere(before + 1);
    expect(latest!.pageUrl).toBe(`${site.origin}/about`);
    await observed.context.close();
  }, 60_000);
});
