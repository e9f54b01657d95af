import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createCollectorApi } from '../../lambdas/collect/collector-api.js';
import { SiteCeiling } from '../../lambdas/collect/site-ceiling.js';
import { SiteDirectory } from '../../lambdas/collect/site-directory.js';
import { createEnricher } from '../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import type { CollectorSite } from '../../lambdas/shared/sites/site.js';
import { deriveVisitKeys } from '../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { lambdaContext, proxyEvent, type EventParts } from './api-gateway-events.js';
import { capturedOutput } from './captured-output.js';
import type { TestVisitsTable } from './dynamodb.js';
import { testDatabase } from './maxmind-test-data.js';
import { TEST_PSEUDONYM_SECRET } from './visits-api-harness.js';

/** A desktop Chrome as a person's browser sends it (the collector records no automated agents). */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Addresses of MaxMind's Enterprise test database: a government network (stored) and a residential one (not). */
export const GOVERNMENT_VISITOR = '81.2.69.161';
export const RESIDENTIAL_VISITOR = '175.16.199.1';

/** The two test sites: tenant A's shop (privacy signals honoured) and tenant B's blog (not honoured). */
export const SHOP_KEY = 'pk_test_shop_0123456789abcdef';
export const BLOG_KEY = 'pk_test_blog_0123456789abcdef';
export const TEST_SITES: Readonly<Record<string, CollectorSite>> = {
  [SHOP_KEY]: {
    tenantId: 'tenant-a',
    siteId: 'shop.example.com',
    allowedOrigins: ['https://shop.example.com', 'https://www.shop.example.com'],
    honourGlobalPrivacyControl: true,
    honourDoNotTrack: true,
    pageViewsPerMinute: 1_000,
  },
  [BLOG_KEY]: {
    tenantId: 'tenant-b',
    siteId: 'blog.example.org',
    allowedOrigins: ['https://blog.example.org'],
    honourGlobalPrivacyControl: false,
    honourDoNotTrack: false,
    pageViewsPerMinute: 3,
  },
};

export interface CollectorHarness {
  readonly keys: ReturnType<typeof deriveVisitKeys>;
  now: Date;
  call(parts: EventParts): Promise<{ status: number; body: any; result: APIGatewayProxyResult; logs: string }>;
  /** A beacon as Chrome sends it from a page of tenant A's shop, with `overrides` on top. */
  beacon(body: unknown, overrides?: { headers?: Record<string, string | undefined>; sourceIp?: string; query?: Record<string, string> }): ReturnType<CollectorHarness['call']>;
}

/** The collector function as Lambda runs it (httpApi middleware around createCollectorApi) on a test table. */
export function collectorHarness(table: TestVisitsTable): CollectorHarness {
  const keys = deriveVisitKeys(TEST_PSEUDONYM_SECRET);
  const logger = createLogger('collect-test');
  const clock = () => harness.now;
  const handler = httpApi(
    createCollectorApi({
      enricher: createEnricher(MmdbDatabase.open(testDatabase('GeoIP2-Enterprise-Test'))),
      sites: SiteDirectory.of(TEST_SITES),
      ceiling: new SiteCeiling({ client: table.documentClient, tableName: table.tableName, clock }),
      visitsOf: (tenantId) => new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId }),
      keys: async () => keys,
      retentionDays: 30,
      clock,
      newVisitId: randomUUID,
      logger,
    }),
    logger,
  );
  const harness: CollectorHarness = {
    keys,
    now: new Date(Math.floor(Date.now() / 1000) * 1000),
    async call(parts) {
      let result!: APIGatewayProxyResult;
      const logs = await capturedOutput(async () => {
        result = await handler(proxyEvent(parts), lambdaContext('collect'));
      });
      const json = String(result.headers?.['content-type'] ?? '').startsWith('application/json');
      return { status: result.statusCode, body: json ? JSON.parse(result.body) : null, result, logs };
    },
    beacon: (body, overrides = {}) =>
      harness.call({
        method: 'POST',
        resource: '/v1/collect',
        apiKeyId: null,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        sourceIp: overrides.sourceIp ?? GOVERNMENT_VISITOR,
        query: overrides.query,
        headers: withoutUndefined({
          'Content-Type': 'text/plain;charset=UTF-8',
          Origin: 'https://shop.example.com',
          'User-Agent': BROWSER_USER_AGENT,
          ...overrides.headers,
        }),
      }),
  };
  return harness;
}

/** Headers set to undefined are left out (a request without that header). */
function withoutUndefined(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
