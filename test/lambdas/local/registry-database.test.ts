import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApi } from '../../../bin/local/local-api.js';
import { buildDatabase } from '../../../tools/mmdb-builder/build-database.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { startTestLocalApi } from '../../support/local-api.js';
import { rpslFixture } from '../../support/repo-paths.js';
import { TEST_WRITER_OPTIONS, temporaryDirectory } from '../../mmdb-builder/helpers.js';

const KEY = { tenantId: 'tenant-a', apiKey: 'local-key-a', apiKeyId: 'key-id-a' };
const COMPANY = '81.200.10.17';
const CUSTOMER_POOL = '81.200.150.3';

/**
 * The "done when": the local server on a database built from RPSL (a committed fixture) answers a
 * company's assignment with its organisation and `business`, a customer pool `residential`, and stores a
 * visit for the company only. Real HTTP, the real handlers, DynamoDB Local.
 */
describe('the local API on a database built from registry (RPSL) data', () => {
  const temp = temporaryDirectory();
  let table: TestVisitsTable;
  let api: LocalApi;

  beforeAll(async () => {
    const mmdbPath = path.join(temp.dir, 'companies.mmdb');
    await buildDatabase({ ...TEST_WRITER_OPTIONS, databaseType: 'EU-Enrichment-Registry', inputs: [{ path: rpslFixture('local-server.db') }], output: mmdbPath });
    table = await createTestVisitsTable();
    api = await startTestLocalApi(table, [KEY], { mmdbPath });
  });
  afterAll(async () => {
    await api?.close();
    await table?.drop();
    temp.remove();
  });

  const request = async (resource: string, body?: unknown) => {
    const response = await fetch(`${api.url}${resource}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': KEY.apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('answers the company’s assignment with its organisation, provider, country, business and the evidence', async () => {
    expect(await request(`/v1/enrich/${COMPANY}`)).toMatchObject({
      status: 200,
      body: {
        found: true,
        organisation: 'Hollandia Logistiek B.V.',
        isp: 'Voorbeeldnet B.V.',
        country: 'NL',
        classification: 'business',
        registry: { netname: 'HOLLANDIA-LOGISTIEK', status: 'ASSIGNED PA', orgType: 'OTHER', source: 'RIPE', evidence: expect.stringContaining('not its provider') },
        database: { type: 'EU-Enrichment-Registry' },
      },
    });
  });

  it('answers the customer pool residential', async () => {
    expect(await request(`/v1/enrich/${CUSTOMER_POOL}`)).toMatchObject({ status: 200, body: { classification: 'residential', registry: { netname: 'VOORBEELDNET-DSL-POOL' } } });
  });

  it('stores the company visitor’s visit and not the customer pool’s', async () => {
    const visit = (visitorIp: string) => request('/v1/visits', { siteId: 'shop.example', pageUrl: 'https://shop.example/pricing', visitorIp });
    expect(await visit(COMPANY)).toMatchObject({ status: 201, body: { stored: true } });
    expect(await visit(CUSTOMER_POOL)).toMatchObject({ status: 200, body: { stored: false, classification: 'residential' } });
    const { body } = await request('/v1/visits?siteId=shop.example');
    expect(body.visits).toHaveLength(1);
    expect(body.visits[0].company).toMatchObject({ organisation: 'Hollandia Logistiek B.V.', classification: 'business' });
  });
});
