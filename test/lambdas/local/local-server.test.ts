import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROWSER_USER_AGENT } from '../../support/collector-harness.js';
import { REPO_ROOT } from '../../support/maxmind-test-data.js';

/**
 * `npm start` as a developer runs it (bin/local-server.ts under tsx, with the default database and
 * its own DynamoDB Local), in a throwaway state directory, on a free port; stopped with SIGTERM.
 */
describe('bin/local-server.ts (npm start)', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'local-server-'));
  let server: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });

  it('starts, prints the URL and a demo key, serves the API, and stops DynamoDB Local on SIGTERM', async () => {
    server = spawn(process.execPath, ['--import', 'tsx', 'bin/local-server.ts', '--in-memory'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', DEMO_PORT: '0', LOCAL_STATE_DIR: stateDir, MMDB_PATH: '', PRETEND_VISITOR_IP: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => /Ctrl-C stops/.test(output) || server!.exitCode !== null, 110_000);
    expect(output).toContain('Ctrl-C stops');

    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const dynamoEndpoint = /DynamoDB Local (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const apiKey = /^ {4}demo +(\S+)$/m.exec(output)![1]!;
    expect(output).toContain('layers/mmdb/build/default.mmdb');

    const health = await fetch(`${url}/v1/health`, { headers: { 'x-api-key': apiKey } });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { type: 'EU-Enrichment-ASN' } });
    const enrichment = await fetch(`${url}/v1/enrich/8.8.8.8`, { headers: { 'x-api-key': apiKey } });
    expect(await enrichment.json()).toMatchObject({ ip: '8.8.8.8', found: true, asn: { number: expect.any(Number) } });
    const visits = await fetch(`${url}/v1/visits`, { headers: { 'x-api-key': apiKey } });
    expect(await visits.json()).toMatchObject({ visits: [], nextCursor: null });

    // The demo website: the snippet installed as the README says; a page view from it (as the browser sends
    // it, see test/browser) is stored for the pretended university address and listed.
    const demo = /Demo website with the page-view snippet: (http:\/\/localhost:\d+)\//.exec(output)![1]!;
    const page = await (await fetch(`${demo}/`)).text();
    expect(page).toMatch(new RegExp(`<script src="${url}/v1/snippet\\.js\\?v=[\\w-]+" integrity="sha384-[^"]+" crossorigin="anonymous" data-site-key="pk_\\w+" defer>`));
    const siteKey = /data-site-key="(pk_\w+)"/.exec(page)![1]!;
    const beacon = await fetch(`${url}/v1/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: demo, 'user-agent': BROWSER_USER_AGENT },
      body: JSON.stringify({ siteKey, pageUrl: `${demo}/pricing`, referrer: null }),
    });
    expect(beacon.status).toBe(204);
    const listed = await (await fetch(`${url}/v1/visits`, { headers: { 'x-api-key': apiKey } })).json();
    expect(listed).toMatchObject({ visits: [{ siteId: 'demo.localhost', pageUrl: `${demo}/pricing`, company: { classification: 'education' } }] });

    // The local secrets are owner-only.
    expect(statSync(path.join(stateDir, 'pseudonym.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(stateDir, 'api-keys.json')).mode & 0o777).toBe(0o600);

    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(dynamoEndpoint)).rejects.toThrow();
  }, 120_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}
