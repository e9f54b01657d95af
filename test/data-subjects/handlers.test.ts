import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { jsonOf, lambdaContext, proxyEvent, TEST_RIGHTS_KEYS, type EventParts } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { createTestCountersTable, createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { REPO_ROOT } from '../support/maxmind-test-data.js';
import { TEST_PSEUDONYM_SECRET, visitsApiHarness } from '../support/visits-api-harness.js';
import { ControllerTopics, REGION } from './support/controller-topics.js';
import { SecretsManagerStandIn } from '../support/secrets-manager-stand-in.js';
import { localTenantSecret } from '../../lambdas/shared/visits/visit-keys.js';

/**
 * The deployed entry points (lambdas/<name>/handler.ts), loaded fresh like a new Lambda container
 * with the environment the stack is to set, their SDK clients pointed at local services through the
 * standard AWS_ENDPOINT_URL_<SERVICE> variables. And what each bundle contains: least privilege is
 * also what code a function carries.
 */
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:pseudonym-key-AbCdEf';
const AWS_ENV = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

async function load(name: 'data-subject-requests' | 'visitor-data', env: Record<string, string>) {
  vi.resetModules();
  for (const [key, value] of Object.entries({ ...AWS_ENV, ...env })) vi.stubEnv(key, value);
  return (await import(`../../lambdas/${name}/handler.ts`)).handler as (event: unknown, context: unknown) => Promise<any>;
}

async function invoke(handler: Awaited<ReturnType<typeof load>>, parts: EventParts) {
  let result: any;
  await capturedOutput(async () => {
    result = await handler(proxyEvent(parts), lambdaContext());
  });
  return jsonOf(result);
}

/** Loading fails the cold start with one clear log line. */
async function coldStartFailure(name: 'data-subject-requests' | 'visitor-data', env: Record<string, string>) {
  let failure: unknown;
  const output = await capturedOutput(async () => {
    failure = await load(name, env).catch((error: unknown) => error);
  });
  const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  return { message: (failure as Error).message, lines };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('lambdas/data-subject-requests/handler.ts', () => {
  let topics: ControllerTopics;
  beforeAll(async () => {
    topics = await ControllerTopics.start(['tenant-a']);
  });
  afterAll(() => topics.stop());

  let countersTable: string;
  beforeAll(async () => {
    countersTable = await createTestCountersTable();
  });
  const env = () => ({
    TENANT_TOPIC_ARNS: JSON.stringify(Object.fromEntries(topics.topicArns)),
    AWS_ENDPOINT_URL_SNS: topics.endpoint,
    REQUEST_COUNTERS_TABLE_NAME: countersTable,
    REQUEST_FORM_ORIGINS: JSON.stringify({ 'tenant-a': ['https://www.tenant-a.example'] }),
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
  });

  it('forwards a request to the topic TENANT_TOPIC_ARNS names, with a DSR- reference', async () => {
    const handler = await load('data-subject-requests', env());
    const body = { tenantId: 'tenant-a', type: 'access', message: 'What do you hold about me?', contact: { email: 'jane@example.org' } };
    const answer = await invoke(handler, { method: 'POST', resource: '/v1/data-subject-requests', body, apiKeyId: null });
    expect(answer).toMatchObject({ status: 202, body: { status: 'FORWARDED', reference: expect.stringMatching(/^DSR-[0-9a-f-]{36}$/) } });
    expect(topics.received('tenant-a').map((notice) => notice.Message)).toEqual([expect.stringContaining(`Reference:     ${answer.body.reference}`)]);
  });

  it.each([
    ['no TENANT_TOPIC_ARNS', { TENANT_TOPIC_ARNS: '' }, /TENANT_TOPIC_ARNS is not set/],
    ['no tenants', { TENANT_TOPIC_ARNS: '{}' }, /maps no tenant/],
    ['an invalid tenant id', { TENANT_TOPIC_ARNS: '{"Tenant A":"arn:aws:sns:eu-central-1:123456789012:t"}' }, /not a valid tenant id/],
    ['a value that is not a topic ARN', { TENANT_TOPIC_ARNS: '{"tenant-a":"arn:aws:sqs:eu-central-1:123456789012:q"}' }, /not an SNS topic ARN/],
    ['not JSON', { TENANT_TOPIC_ARNS: 'tenant-a=arn' }, /not valid JSON/],
  ])('fails its cold start with one clear log line for %s', async (_, overrides, reason) => {
    const { message, lines } = await coldStartFailure('data-subject-requests', { ...env(), ...overrides });
    expect(message).toMatch(reason);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'startup failed: read TENANT_TOPIC_ARNS' }));
  });
});

describe('lambdas/visitor-data/handler.ts', () => {
  let table: TestVisitsTable;
  // Tenant A's own secret, as the visits harness derives it from the test secret.
  const secrets = new SecretsManagerStandIn(SECRET_ARN, localTenantSecret(TEST_PSEUDONYM_SECRET, 'tenant-a'));
  let secretsEndpoint: string;
  let topics: ControllerTopics;
  beforeAll(async () => {
    table = await createTestVisitsTable();
    secretsEndpoint = await secrets.start();
    topics = await ControllerTopics.start(['tenant-a']);
  });
  afterAll(async () => {
    await topics.stop();
    await secrets.stop();
    await table.drop();
  });

  const env = () => ({
    VISITOR_DATA_API_KEYS: JSON.stringify(TEST_RIGHTS_KEYS),
    VISITS_TABLE_NAME: table.tableName,
    PSEUDONYM_SECRET_ARNS: JSON.stringify({ 'tenant-a': SECRET_ARN }),
    TENANT_TOPIC_ARNS: JSON.stringify(Object.fromEntries(topics.topicArns)),
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
    AWS_ENDPOINT_URL_SNS: topics.endpoint,
  });

  it('searches and erases through DynamoDB with the secret from Secrets Manager, and confirms the erasure on the topic TENANT_TOPIC_ARNS names', async () => {
    const visits = visitsApiHarness(table);
    expect((await visits.record({ siteId: 'h.example', pageUrl: 'https://h.example/', visitorIp: '81.2.69.161' })).status).toBe(201);
    const handler = await load('visitor-data', env());
    const body = { ip: '81.2.69.161', requestReference: 'DSR-handler-1' };
    const call = (resource: string, apiKeyId = 'rights-key-tenant-a') => invoke(handler, { method: 'POST', resource, body, apiKeyId });
    expect(await call('/v1/visitor-data/search', 'key-tenant-a')).toMatchObject({ status: 403, body: { error: { code: 'INVALID_API_KEY' } } });
    expect((await call('/v1/visitor-data/search')).body.visits).toHaveLength(1);
    expect(await call('/v1/visitor-data/erase')).toMatchObject({ status: 200, body: { deleted: 1, complete: true, controllerNotified: true } });
    expect(await table.items()).toEqual([]);
    expect(topics.received('tenant-a')).toEqual([expect.objectContaining({ Subject: 'Erasure completed DSR-handler-1' })]);
  });

  it.each([
    ['no table name', { VISITS_TABLE_NAME: '' }, 'read the configuration', /VISITS_TABLE_NAME is not set/],
    ['no secrets', { PSEUDONYM_SECRET_ARNS: '' }, 'read PSEUDONYM_SECRET_ARNS', /PSEUDONYM_SECRET_ARNS is not set/],
    ['no rights keys', { VISITOR_DATA_API_KEYS: '{}' }, 'read VISITOR_DATA_API_KEYS', /maps no API key/],
    ['no request topics', { TENANT_TOPIC_ARNS: '' }, 'read TENANT_TOPIC_ARNS', /TENANT_TOPIC_ARNS is not set/],
  ])('fails its cold start with one clear log line for %s', async (_, overrides, step, reason) => {
    const { message, lines } = await coldStartFailure('visitor-data', { ...env(), ...overrides });
    expect(message).toMatch(reason);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: `startup failed: ${step}` }));
  });
});

describe('what each function’s bundle carries (as ApiFunction bundles it)', () => {
  async function bundleContents(name: string) {
    const { metafile } = await build({
      entryPoints: [path.join(REPO_ROOT, `lambdas/${name}/handler.ts`)],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      external: ['@aws-sdk/*', '@smithy/*'],
      logLevel: 'silent',
    });
    const output = Object.values(metafile.outputs)[0]!;
    return {
      sources: Object.keys(metafile.inputs),
      sdkClients: output.imports.filter((entry) => entry.external).map((entry) => entry.path).filter((p) => p.startsWith('@aws-sdk/')).sort(),
    };
  }

  it('the public request function can only talk to SNS, and has no code that reads visits or the secret', async () => {
    const { sources, sdkClients } = await bundleContents('data-subject-requests');
    expect([...new Set(sdkClients)]).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sns', '@aws-sdk/lib-dynamodb']); // DynamoDB: the daily counters
    expect(sources.filter((source) => /lambdas\/shared\/visits\/(?!visit-input|url-scrubbing)|pseudonym-secret|enrichment\//.test(source))).toEqual([]);
  });

  it('the visitor-data function talks to DynamoDB, Secrets Manager and SNS (erasure confirmations) only, without the MMDB reader', async () => {
    const { sources, sdkClients } = await bundleContents('visitor-data');
    expect([...new Set(sdkClients)]).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-sns', '@aws-sdk/lib-dynamodb']);
    expect(sources.filter((source) => /node_modules\/maxmind|enrichment\//.test(source))).toEqual([]);
  });
});
