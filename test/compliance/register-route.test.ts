import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplianceRegisterApi } from '../../lambdas/compliance-register/compliance-register-api.js';
import { s3RegisterViews } from '../../lambdas/compliance-register/register-views.js';
import { controllerViewKey } from '../../lambdas/shared/compliance/controller-register-view.js';
import { httpApi } from '../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../lambdas/shared/tenants/tenant-directory.js';
import { BUCKET, BreachEmulator } from '../breach/support/emulator.js';
import { lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../support/api-gateway-events.js';
import { sampleView } from './support/sample-view.js';

// S3 is fauxqs (a local S3 server) reached with the real AWS SDK; the view is a small fixture.
let emulator: BreachEmulator;
let handler: ReturnType<typeof httpApi>;

beforeAll(async () => {
  emulator = await BreachEmulator.start([]);
  const s3 = emulator.s3();
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `register/${controllerViewKey('tenant-a')}`, Body: JSON.stringify(sampleView('tenant-a', 'Tenant A B.V.')) }));
  handler = httpApi(
    createComplianceRegisterApi({ tenants: TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS)), views: s3RegisterViews(s3, BUCKET, 'register/') }),
    createLogger('compliance-register'),
  );
});
afterAll(() => emulator.stop());

async function get(parts: Partial<EventParts> = {}) {
  const result = await handler(proxyEvent({ method: 'GET', resource: '/v1/compliance/register', apiKeyId: 'key-tenant-a', ...parts }), lambdaContext('compliance-register'));
  return { status: result.statusCode, type: result.headers?.['content-type'], body: result.body };
}

describe('GET /v1/compliance/register', () => {
  it("answers the calling controller's published view as JSON", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^application\/json/);
    expect(JSON.parse(response.body).controller.tenantId).toBe('tenant-a');
  });

  it('answers a readable, escaped HTML page for format=html or Accept: text/html', async () => {
    for (const parts of [{ query: { format: 'html' } }, { headers: { Accept: 'text/html,application/xhtml+xml' } }]) {
      const response = await get(parts);
      expect(response.status).toBe(200);
      expect(response.type).toMatch(/^text\/html/);
      expect(response.body).toContain('<h1>Record of processing activities for Tenant A B.V.</h1>');
      expect(response.body).toContain('Identify the organisation &lt;behind&gt; a visit');
    }
    expect((await get({ query: { format: 'json' }, headers: { Accept: 'text/html' } })).type).toMatch(/^application\/json/);
  });

  it('serves each controller its own view only: the key decides, nothing in the request can name another', async () => {
    const other = await get({ apiKeyId: 'key-tenant-b' });
    expect(other.status).toBe(404);
    expect(JSON.parse(other.body)).toEqual({ error: { code: 'REGISTER_NOT_PUBLISHED', message: expect.any(String) } });
    expect((await get({ query: { tenantId: 'tenant-b' } })).status).toBe(400);
  });

  it('refuses bad input with a JSON error and an unknown key with 403', async () => {
    expect(JSON.parse((await get({ query: { format: 'pdf' } })).body).error.code).toBe('INVALID_PARAMETER');
    expect(JSON.parse((await get({ query: { tenantId: 'x' } })).body).error.code).toBe('UNKNOWN_PARAMETER');
    expect((await get({ apiKeyId: 'key-unknown' })).status).toBe(403);
  });
});
