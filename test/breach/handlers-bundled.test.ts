import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { interceptLocalhostDns } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonOf, lambdaContext, proxyEvent } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { BreachEmulator, BUCKET, REGION, RETRY_QUEUE, TOPIC_ARN_PREFIX } from './support/emulator.js';
import { sampleReport } from './support/sample-report.js';

/**
 * The deployed artifacts: each handler bundled the way ApiFunction bundles it (esbuild, minified ESM
 * for Node 24, the AWS SDK left to the runtime), loaded like Lambda loads it (configuration from the
 * environment at module scope, SDK clients created there) and invoked against fauxqs.
 */
import { REPO_ROOT } from '../support/repo-paths.js';
const OUT_DIR = path.join(REPO_ROOT, 'node_modules/.cache/breach-handler-bundles');
const TENANTS = ['acme', 'globex'];

let emulator: BreachEmulator;
let restoreDns: () => void;

async function bundle(name: string): Promise<string> {
  const outfile = path.join(OUT_DIR, name, 'index.mjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [path.join(REPO_ROOT, `lambdas/${name}/handler.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
    logLevel: 'silent',
  });
  return `${pathToFileURL(outfile).href}?v=${Date.now()}`;
}

beforeAll(async () => {
  emulator = await BreachEmulator.start(TENANTS);
  restoreDns = interceptLocalhostDns();
  const port = new URL(emulator.endpoint).port;
  for (const [name, value] of Object.entries({
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_S3: `http://s3.localhost:${port}`,
    AWS_ENDPOINT_URL_SNS: emulator.endpoint,
    AWS_ENDPOINT_URL_SQS: `http://sqs.${REGION}.localhost:${port}`, // the host of fauxqs queue URLs
    BREACH_REGISTER_BUCKET: BUCKET,
    BREACH_RETENTION_YEARS: '5',
    BREACH_TENANT_IDS: TENANTS.join(','),
    BREACH_TENANT_TOPIC_ARN_PREFIX: TOPIC_ARN_PREFIX,
    BREACH_RETRY_QUEUE_URL: emulator.queueUrl(RETRY_QUEUE),
  })) vi.stubEnv(name, value);
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  restoreDns();
  await emulator.stop();
});

describe('the bundled breach-report handler', () => {
  it('stores and notifies a report sent through API Gateway', async () => {
    const { handler } = await import(await bundle('breach-report'));
    let answer!: ReturnType<typeof jsonOf>;
    await capturedOutput(async () => {
      answer = jsonOf(await handler(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body: sampleReport(), apiKeyId: null }), lambdaContext('breach-report')));
    });
    expect(answer.status).toBe(201);
    expect(answer.body.notified).toEqual(['acme', 'globex']);
    expect(emulator.received('acme')).toHaveLength(1);
  });

  it('answers malformed JSON with 400 in the JSON error shape', async () => {
    const { handler } = await import(await bundle('breach-report'));
    let answer!: ReturnType<typeof jsonOf>;
    await capturedOutput(async () => {
      answer = jsonOf(await handler(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body: '{"reportId":', apiKeyId: null }), lambdaContext('breach-report')));
    });
    expect(answer).toEqual({ status: 400, body: { error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.' } } });
  });

  it('fails its cold start with one clear log line when its configuration is missing', async () => {
    vi.stubEnv('BREACH_TENANT_TOPIC_ARN_PREFIX', '');
    const url = await bundle('breach-report');
    let failure: unknown;
    const output = await capturedOutput(async () => {
      failure = await import(url).catch((error: unknown) => error);
    });
    vi.stubEnv('BREACH_TENANT_TOPIC_ARN_PREFIX', TOPIC_ARN_PREFIX);
    expect((failure as Error).message).toMatch(/BREACH_TENANT_TOPIC_ARN_PREFIX/);
    expect(output).toContain('startup failed: read the breach configuration');
  });
});

describe('the bundled breach-notify handler', () => {
  it('sends the notices still missing for a queued record and reports no failures', async () => {
    emulator.reset();
    const report = sampleReport({ reportId: 'bundled-notify-test-1' });
    // Store the record through the report handler with the globex topic missing, so one notice is pending.
    emulator.server.deleteTopic('Test-breach-notice-globex');
    const reportHandler = (await import(await bundle('breach-report'))).handler;
    let status = 0;
    await capturedOutput(async () => {
      status = (await reportHandler(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body: report, apiKeyId: null }), lambdaContext('breach-report'))).statusCode;
    });
    expect(status).toBe(202);
    emulator.server.createTopic('Test-breach-notice-globex');
    emulator.server.subscribe({ topic: 'Test-breach-notice-globex', queue: 'inbox-globex' });

    const { handler } = await import(await bundle('breach-notify'));
    const [body] = emulator.queued(RETRY_QUEUE);
    let response: unknown;
    await capturedOutput(async () => {
      response = await handler({ Records: [{ messageId: 'm-1', body, receiptHandle: 'r-1' }] }, lambdaContext('breach-notify'));
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(emulator.received('acme')).toHaveLength(1);
    expect(emulator.received('globex')).toHaveLength(1);
  });
});
