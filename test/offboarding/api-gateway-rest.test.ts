import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiGatewayRest } from '../../tools/offboarding/api-gateway-rest.js';
import { revokeApiAccess } from '../../tools/offboarding/tenant-resources.js';

/**
 * The REST adapter over real HTTP against a local stand-in for API Gateway's management API (there is
 * no emulator): it answers the few calls the offboarding makes and records them, signature included.
 */
const seen: Array<{ method: string; path: string; body: string; signed: boolean }> = [];
let server: Server;
let endpoint: string;
const plans = [
  { id: 'p1', name: 'Stack-acme', apiStages: [{ apiId: 'api1', stage: 'live' }] },
  { id: 'p3', name: 'Stack-acme-eu', apiStages: [{ apiId: 'api1', stage: 'live' }] },
];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const url = new URL(request.url!, 'http://local');
      seen.push({ method: request.method!, path: url.pathname, body, signed: /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-central-1\/apigateway\/aws4_request/.test(String(request.headers.authorization)) });
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.method === 'GET' && url.pathname === '/usageplans') return json(200, url.searchParams.get('position') ? { item: [plans[1]] } : { item: [plans[0]], position: 'next' });
      if (request.method === 'GET' && url.pathname === '/usageplans/p1/keys') return json(200, { item: [{ id: 'k1', name: 'key', type: 'API_KEY' }] });
      if (request.method === 'DELETE' && url.pathname === '/apikeys/k1') return json(404, { message: 'Invalid API Key identifier specified' });
      return json(request.method === 'DELETE' ? 202 : 200, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('finds the plan by exact name across pages, disables, detaches and deletes its key, detaches its stage and deletes it, all signed', async () => {
  const api = apiGatewayRest({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, endpoint });
  const revoked = await revokeApiAccess(api, 'Stack', 'acme');
  expect(revoked).toEqual({ usagePlans: [{ name: 'Stack-acme', status: 'deleted' }, { name: 'Stack-acme-data-subject-rights', status: 'already-gone' }], apiKeysDeleted: 1 });
  const changes = seen.filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path} ${call.body}`);
  expect(changes).toEqual([
    'PATCH /apikeys/k1 {"patchOperations":[{"op":"replace","path":"/enabled","value":"false"}]}',
    'DELETE /usageplans/p1/keys/k1 ',
    'DELETE /apikeys/k1 ', // 404: already gone, not an error
    'PATCH /usageplans/p1 {"patchOperations":[{"op":"remove","path":"/apiStages","value":"api1:live"}]}',
    'DELETE /usageplans/p1 ',
  ]);
  expect(seen.every((call) => call.signed)).toBe(true);
  expect(seen.some((call) => call.path.includes('p3'))).toBe(false); // Stack-acme-eu is another tenant's plan
});
