import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerNotice } from '../../bin/local/controller-inbox.js';
import type { LocalApi } from '../../bin/local/local-api.js';
import type { LocalApiKey } from '../../bin/local/local-credentials.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { startTestLocalApi } from '../support/local-api.js';
import { REPO_ROOT, testDatabase } from '../support/maxmind-test-data.js';

/** The new routes of the local API (npm start) over real HTTP: the adapter, the functions, DynamoDB Local, local SNS. */
const KEYS: LocalApiKey[] = [
  { tenantId: 'tenant-a', apiKey: 'local-key-a', apiKeyId: 'key-id-a' },
  { tenantId: 'tenant-b', apiKey: 'local-key-b', apiKeyId: 'key-id-b' },
];
const RIGHTS_KEYS: LocalApiKey[] = [
  { tenantId: 'tenant-a', apiKey: 'rights-key-a', apiKeyId: 'rights-key-id-a' },
  { tenantId: 'tenant-b', apiKey: 'rights-key-b', apiKeyId: 'rights-key-id-b' },
];
const dsr = { tenantId: 'tenant-b', type: 'access', message: 'Which of my visits (from 81.2.69.161) do you hold?', contact: { email: 'jane@example.org' } };

describe('startLocalApi: data-subject routes', () => {
  let table: TestVisitsTable;
  let api: LocalApi;
  const notices: ControllerNotice[] = [];

  beforeAll(async () => {
    table = await createTestVisitsTable();
    api = await startTestLocalApi(table, KEYS, { rightsApiKeys: RIGHTS_KEYS, onControllerNotice: (notice) => notices.push(notice) });
  });
  afterAll(async () => {
    await api.close();
    await table.drop();
  });

  const post = async (route: string, body: unknown, key: string | null = 'local-key-a') => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== null) headers['x-api-key'] = key;
    const response = await fetch(`${api.url}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };

  it('POST /v1/data-subject-requests needs no key and reaches the tenant’s local topic', async () => {
    const answer = await post('/v1/data-subject-requests', dsr, null);
    expect(answer).toMatchObject({ status: 202, body: { status: 'FORWARDED', reference: expect.stringMatching(/^DSR-/) } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull(); // no form origin declared locally
    await expect.poll(() => notices.length).toBe(1);
    expect(notices[0]).toMatchObject({ tenantId: 'tenant-b', topicArn: expect.stringMatching(/:local-controller-notice-tenant-b$/) });
    expect(notices[0]!.message).toContain(`Reference:     ${answer.body.reference}`);
    expect(notices[0]!.message).toContain('Which of my visits (from [redacted-ip]) do you hold?');
    expect(notices[0]!.message).not.toContain('81.2.69.161');

    expect(await post('/v1/data-subject-requests', { ...dsr, tenantId: 'tenant-z' }, null)).toMatchObject({ status: 202, body: { status: 'FORWARDED' } });
    const preflight = await fetch(`${api.url}/v1/data-subject-requests`, { method: 'OPTIONS', headers: { origin: 'https://www.b.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    expect(notices).toHaveLength(1);
  });

  it('POST /v1/visitor-data/search and /erase need the tenant’s rights key and act on that tenant’s visits only', async () => {
    for (const key of ['local-key-a', 'local-key-a', 'local-key-b']) {
      const body = { siteId: 'local.example', pageUrl: 'https://local.example/', visitorIp: '81.2.69.161' };
      expect(await post('/v1/visits', body, key)).toMatchObject({ status: 201 });
    }
    const ip = { ip: '81.2.69.161', requestReference: 'DSR-local-1' };
    expect(await post('/v1/visitor-data/search', ip, null)).toMatchObject({ status: 403, body: { error: { code: 'INVALID_API_KEY' } } });
    expect(await post('/v1/visitor-data/erase', ip, 'not-a-key')).toMatchObject({ status: 403 });
    expect(await post('/v1/visitor-data/erase', ip, 'local-key-a')).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/data-subject-rights key/) } } });

    expect((await post('/v1/visitor-data/search', ip, 'rights-key-a')).body.visits).toHaveLength(2);
    const before = notices.length;
    expect(await post('/v1/visitor-data/erase', ip, 'rights-key-a')).toMatchObject({ status: 200, body: { deleted: 2, complete: true, controllerNotified: true } });
    expect(await post('/v1/visitor-data/erase', ip, 'rights-key-a')).toMatchObject({ status: 200, body: { deleted: 0, complete: true, controllerNotified: true } });
    await expect.poll(() => notices.length).toBe(before + 2);
    const confirmations = notices.slice(before);
    expect(confirmations.map((n) => n.tenantId)).toEqual(['tenant-a', 'tenant-a']);
    expect(confirmations.map((n) => /Visits deleted: (\d+)/.exec(n.message)?.[1]).sort()).toEqual(['0', '2']);
    for (const confirmation of confirmations) {
      expect(confirmation.message).toContain('Reference:      DSR-local-1');
      expect(confirmation.message).not.toContain('81.2.69.161');
    }
    expect((await post('/v1/visitor-data/search', ip, 'rights-key-b')).body.visits).toHaveLength(1);
    expect(await post('/v1/visitor-data/search', { ...ip, ip: '127.0.0.1' }, 'rights-key-a')).toMatchObject({ status: 422, body: { error: { code: 'NOT_PUBLIC_ADDRESS' } } });
    expect(await post('/v1/visitor-data/search', { ip: '81.2.69.161' }, 'rights-key-a')).toMatchObject({ status: 400, body: { error: { code: 'MISSING_FIELD', details: { field: 'requestReference' } } } });
  });

  it('leaves nothing to sweep a /24 with: listed visits carry no network, and the integration key cannot search', async () => {
    expect(await post('/v1/visits', { siteId: 'sweep.example', pageUrl: 'https://sweep.example/', visitorIp: '81.2.69.161' })).toMatchObject({ status: 201 });
    const listed = await fetch(`${api.url}/v1/visits?siteId=sweep.example`, { headers: { 'x-api-key': 'local-key-a' } });
    const { visits } = (await listed.json()) as { visits: Array<{ company: Record<string, unknown> }> };
    expect(visits).toHaveLength(1);
    expect(Object.keys(visits[0]!.company).sort()).toEqual(['asn', 'classification', 'country', 'domain', 'organisation']);
    expect(JSON.stringify(visits)).not.toMatch(/81\.2\.69\./);

    const sweep = await Promise.all(
      Array.from({ length: 256 }, (_, host) => post('/v1/visitor-data/search', { ip: `81.2.69.${host}`, requestReference: 'DSR-sweep' }, 'local-key-a')),
    );
    expect(new Set(sweep.map((answer) => answer.status))).toEqual(new Set([403]));
  });
});

/** `npm start` as a developer runs it: a forwarded request is printed, labelled, where the e-mail would go. */
describe('bin/local-server.ts (npm start)', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });

  it('prints each data-subject request as the controller would receive it, without the IP addresses', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'local-server-dsr-'));
    let output = '';
    server = spawn(process.execPath, ['--import', 'tsx', 'bin/local-server.ts', '--in-memory'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir, MMDB_PATH: testDatabase('GeoIP2-Enterprise-Test') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => /Ctrl-C stops/.test(output) || server!.exitCode !== null, { timeout: 60_000, interval: 100 }).toBe(true);
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    expect(output).toContain(`${url}/v1/data-subject-requests`);

    const response = await fetch(`${url}/v1/data-subject-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...dsr, tenantId: 'demo', message: 'Erase my visits from 81.2.69.161 and 2001:db8::1.' }),
    });
    const { reference } = (await response.json()) as { reference: string };
    expect(response.status).toBe(202);
    await expect.poll(() => output.includes(`Reference:     ${reference}`), { timeout: 5_000 }).toBe(true);
    expect(output).toMatch(/\[local SNS\] notice published to tenant "demo"'s request topic arn:aws:sns:eu-central-1:\d{12}:local-controller-notice-demo/);
    expect(output).toContain('Erase my visits from [redacted-ip] and [redacted-ip].');
    expect(output).not.toContain('81.2.69.161');
    expect(output).not.toContain('2001:db8::1');

    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
