/**
 * `npm start`: the API on http://127.0.0.1:3000 with the real handlers, the configured (by default the
 * built-in) MMDB database and Amazon's DynamoDB Local, tenants from cdk.json. Data-subject requests
 * are published to local SNS topics (fauxqs, in memory) and printed here, labelled, in place of the
 * e-mail a controller receives in AWS.
 *
 *   PORT=3000               where to listen (127.0.0.1 only; 0 picks a free port)
 *   MMDB_PATH=file.mmdb     another database than the configured/default one
 *   LOCAL_STATE_DIR=.local  where the local secret, API keys and DynamoDB data are kept
 *   DEMO_PORT=3001          where the demo website with the page-view snippet listens (0 picks a free port)
 *   PRETEND_VISITOR_IP=…    LOCAL ONLY: the public address the collector takes a browser on this machine to
 *                           have (loopback is not public, so nothing would be stored); default 131.130.0.1,
 *                           a university network in the default database. API Gateway takes the address
 *                           from the connection; nothing in the deployed stack reads this.
 *   --in-memory             keep no visits between runs (default: persisted under .local/dynamodb)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import type { ControllerNotice } from './local/controller-inbox.js';
import { startDynamoDbLocal } from './local/dynamodb-local.js';
import { localDynamoDbClient } from './local/local-aws.js';
import { startLocalApi } from './local/local-api.js';
import { cdkJsonConfig } from './local/cdk-json-config.js';
import { DEMO_SITE_KEY, demoSiteConfig, startDemoSite } from './local/demo-site.js';
import { collectorSitesByKey } from '../lib/config/sites-config.js';
import { loadOrCreateApiKeys, loadOrCreatePseudonymSecret } from './local/local-credentials.js';
import { createRequestCountersTable, createVisitsTable } from './local/visits-table.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const localDir = path.resolve(repoRoot, process.env.LOCAL_STATE_DIR || '.local');
const TABLE_NAME = 'visits';
const COUNTERS_TABLE_NAME = 'request-counters';
/** An education network (a university) in the default database: the demo's page views are stored. */
const DEFAULT_PRETENDED_VISITOR = '131.130.0.1';

async function main(): Promise<void> {
  const config = cdkJsonConfig(repoRoot);
  const mmdbPath = process.env.MMDB_PATH || (config.mmdbPath ? path.resolve(repoRoot, config.mmdbPath) : await ensureDefaultDatabase());
  const inMemory = process.argv.includes('--in-memory');
  const port = portFrom('PORT', 3000);
  const demoPort = portFrom('DEMO_PORT', 3001);

  const dbPath = path.join(localDir, 'dynamodb');
  if (!inMemory) mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  const dynamo = await startDynamoDbLocal(inMemory ? {} : { dbPath });
  const stopAll: Array<() => Promise<void>> = [() => dynamo.stop()];
  const shutdown = async (signal: string) => {
    process.stderr.write(`\n${signal}: stopping the API and DynamoDB Local…\n`);
    for (const stop of stopAll.reverse()) await stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const admin = localDynamoDbClient(dynamo.endpoint);
  await createVisitsTable(admin, TABLE_NAME);
  await createRequestCountersTable(admin, COUNTERS_TABLE_NAME);
  admin.destroy();

  const apiKeys = loadOrCreateApiKeys(path.join(localDir, 'api-keys.json'), config.tenants.map((tenant) => tenant.id));
  const rightsApiKeys = loadOrCreateApiKeys(path.join(localDir, 'rights-api-keys.json'), config.tenants.map((tenant) => tenant.id), 'rights-');
  const demo = await startDemoSite(demoPort);
  stopAll.push(() => demo.close());
  const demoTenant = config.tenants[0]!.id;
  const api = await startLocalApi({
    mmdbPath,
    dynamoDbEndpoint: dynamo.endpoint,
    tableName: TABLE_NAME,
    countersTableName: COUNTERS_TABLE_NAME,
    apiKeys,
    rightsApiKeys,
    pseudonymSecret: loadOrCreatePseudonymSecret(path.join(localDir, 'pseudonym.key')),
    retentionDays: config.retentionDays,
    usagePlans: new Map(config.tenants.map((tenant) => [tenant.id, { rateLimit: tenant.rateLimit, burstLimit: tenant.burstLimit }])),
    visitShards: config.visitShards,
    port,
    onControllerNotice: printControllerNotice,
    registerDir: path.join(localDir, 'register'),
    sites: { ...collectorSitesByKey(config.tenants), [DEMO_SITE_KEY]: demoSiteConfig(demoTenant, demo.origin) },
    pretendVisitorIp: process.env.PRETEND_VISITOR_IP || DEFAULT_PRETENDED_VISITOR,
  });
  stopAll.push(() => api.close());
  demo.serve({ apiUrl: api.url, siteKey: DEMO_SITE_KEY });

  const [first] = apiKeys;
  const lines = [
    '',
    `EU IP enrichment API (local) on ${api.url}`,
    `  database:  ${path.relative(repoRoot, mmdbPath)}`,
    `  visits:    DynamoDB Local ${dynamo.endpoint}, table "${TABLE_NAME}" (${inMemory ? 'in memory' : `persisted in ${path.relative(repoRoot, dbPath)}`})`,
    `  retention: ${config.retentionDays} days`,
    '  throttles: each tenant\'s usage plan (rateLimit/burstLimit in cdk.json) and the public route\'s own, as on AWS (429 THROTTLED)',
    '  API keys (send as the x-api-key header):',
    ...apiKeys.map((key) => `    ${key.tenantId.padEnd(12)} ${key.apiKey}`),
    '  Data-subject-rights keys (only for /v1/visitor-data/*):',
    ...rightsApiKeys.map((key) => `    ${key.tenantId.padEnd(12)} ${key.apiKey}`),
    '',
    'Try:',
    `  curl -s -H 'x-api-key: ${first!.apiKey}' ${api.url}/v1/health`,
    `  curl -s -H 'x-api-key: ${first!.apiKey}' ${api.url}/v1/enrich/1.233.206.5`,
    `  curl -s -H 'x-api-key: ${rightsApiKeys[0]!.apiKey}' -H 'content-type: application/json' -d '{"ip":"1.233.206.5","requestReference":"DSR-example-1"}' ${api.url}/v1/visitor-data/search`,
    `  curl -s -H 'content-type: application/json' -d '{"tenantId":"${first!.tenantId}","type":"access","message":"Which visits of mine do you hold?","contact":{"email":"jane@example.org"}}' ${api.url}/v1/data-subject-requests`,
    `Demo website with the page-view snippet: ${demo.origin}/ (tenant "${demoTenant}", site demo.localhost)`,
    `  open it in a browser, click its links, then: curl -s -H 'x-api-key: ${apiKeys.find((key) => key.tenantId === demoTenant)!.apiKey}' ${api.url}/v1/visits`,
    `  (locally the browser is taken to be ${process.env.PRETEND_VISITOR_IP || DEFAULT_PRETENDED_VISITOR}; set PRETEND_VISITOR_IP to change it)`,
    'Data-subject requests are printed here as the controller would receive them (local SNS, nothing kept on disk).',
    'Ctrl-C stops the API and DynamoDB Local.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function portFrom(variable: string, fallback: number): number {
  const port = Number(process.env[variable] ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${variable} must be a port number, got ${process.env[variable]}`);
  return port;
}

function printControllerNotice(notice: ControllerNotice): void {
  const rule = '='.repeat(80);
  process.stdout.write(
    [
      '',
      rule,
      `[local SNS] notice published to tenant "${notice.tenantId}"'s request topic ${notice.topicArn}`,
      '(in AWS this is e-mailed to the controller contacts subscribed to that topic)',
      rule,
      notice.message,
      rule,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`local server failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
