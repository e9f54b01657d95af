import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecord, reportDigest } from '../../lambdas/breach-shared/breach-record.js';
import { RegisterStore } from '../../lambdas/breach-shared/register-store.js';
import { REGISTER_VIEW_SECTIONS } from '../../lambdas/shared/compliance/render-register-view.js';
import { tenantPartitionKey } from '../../lambdas/shared/visits/table-schema.js';
import { DEPLOYMENT_FACTS_FILE, type DeploymentFacts } from '../../lib/compliance/deployment-facts.js';
import { loadConfig } from '../../lib/config/load-config.js';
import type { TrailRecord } from '../../tools/audit-pack/access-review.js';
import { assembleAuditPack, type AuditPack } from '../../tools/audit-pack/audit-pack.js';
import { liveEvidence, type LiveEvidence } from '../../tools/audit-pack/live-evidence.js';
import { validateLogFiles } from '../../tools/audit-pack/log-file-validation.js';
import { packFiles, storePack } from '../../tools/audit-pack/pack-files.js';
import { parseQuarter } from '../../tools/audit-pack/quarter.js';
import { AUDIT_PACK_SECTIONS } from '../../tools/audit-pack/render-html.js';
import { templateEvidence, type TemplateEvidence } from '../../tools/audit-pack/template-evidence.js';
import { readTrailObjects } from '../../tools/audit-pack/trail-files.js';
import { BreachEmulator, BUCKET as BREACH_BUCKET } from '../breach/support/emulator.js';
import { sampleReport } from '../breach/support/sample-report.js';
import { TEST_CONTEXT, TEST_DATABASE } from '../infra/test-app.js';
import { CloudTrailFixture } from './support/cloudtrail-fixture.js';
import { REPO_ROOT } from '../support/repo-paths.js';

/*
 * Which part is tested against what:
 * - template parts (register view, retention, EU guard and cdk-nag): the real app, synthesized offline
 *   into a cloud assembly, as `npm run audit-pack` does;
 * - AWS reads (trail files and digests, deployment facts, breach records, the pack's upload): the real
 *   AWS SDK against fauxqs, a local S3 server, holding files written in CloudTrail's formats here;
 * - the HTML: rendered by Debian's headless Chromium through puppeteer-core.
 */
const ACCOUNT = '123456789012';
const REGION = 'eu-central-1';
const AUDIT_BUCKET = 'audit-trail-test';
const QUARTER = parseQuarter('2026-Q4');
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const FACTS: DeploymentFacts = {
  account: ACCOUNT,
  region: REGION,
  visitsTableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/EuEnrichment-Visits`,
  pseudonymSecretArns: {
    acme: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:EuEnrichment/pseudonym-key/acme-abc123`,
    globex: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:EuEnrichment/pseudonym-key/globex-def456`,
  },
  breachRegisterBucket: BREACH_BUCKET,
  auditBucket: AUDIT_BUCKET,
  requestTopicArnPrefix: `arn:aws:sns:${REGION}:${ACCOUNT}:EuEnrichment-data-subject-requests-`,
  serviceRoleArns: {
    enrich: role('Enrich'), visits: role('Visits'), visitorData: role('VisitorData'), collect: role('Collect'), dataSubjectRequests: role('Requests'),
    complianceRegister: role('Register'), breachReport: role('BreachReport'), breachNotify: role('BreachNotify'),
  },
};

function event(time: string, by: string, source: string, name: string, resource: string | undefined, requestParameters: Record<string, unknown> = {}, errorCode?: string): TrailRecord {
  return {
    eventTime: time,
    eventSource: source,
    eventName: name,
    userIdentity: { type: 'AssumedRole', arn: `${by.replace(':role/', ':assumed-role/').replace('arn:aws:iam', 'arn:aws:sts')}/session`, sessionContext: { sessionIssuer: { arn: by } } },
    requestParameters,
    resources: resource ? [{ ARN: resource }] : [],
    ...(errorCode ? { errorCode } : {}),
  };
}
const item = (tenant: string) => ({ key: { pk: tenantPartitionKey(tenant), sk: 'VISIT#x' } });
const OPERATOR = role('OperatorAdmin');

let emulator: BreachEmulator;
let fixture: CloudTrailFixture;
let templates: TemplateEvidence;
let live: LiveEvidence;
let pack: AuditPack;

beforeAll(async () => {
  const context = { ...JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context, ...TEST_CONTEXT };
  const config = loadConfig(new App({ context }).node, {});
  templates = templateEvidence(context, config, TEST_DATABASE, 'acme', { generatedAt: new Date('2026-12-31T10:00:00Z'), sourceCommit: 'f00dfeed' });

  emulator = await BreachEmulator.start([]);
  emulator.server.createBucket(AUDIT_BUCKET);
  const s3 = emulator.s3();
  await s3.send(new PutObjectCommand({ Bucket: AUDIT_BUCKET, Key: `register/${DEPLOYMENT_FACTS_FILE}`, Body: JSON.stringify(FACTS) }));
  fixture = new CloudTrailFixture(s3, AUDIT_BUCKET, ACCOUNT, REGION);
  await fixture.deliver('2026/10/05', [[
    event('2026-10-05T08:00:00Z', OPERATOR, 'dynamodb.amazonaws.com', 'GetItem', FACTS.visitsTableArn, item('acme')),
    event('2026-10-05T08:01:00Z', OPERATOR, 'dynamodb.amazonaws.com', 'GetItem', FACTS.visitsTableArn, item('globex')),
    event('2026-10-05T09:00:00Z', FACTS.serviceRoleArns.dataSubjectRequests, 'sns.amazonaws.com', 'Publish', `${FACTS.requestTopicArnPrefix}acme`),
    event('2026-10-05T09:05:00Z', FACTS.serviceRoleArns.dataSubjectRequests, 'sns.amazonaws.com', 'Publish', `${FACTS.requestTopicArnPrefix}globex`),
  ], [
    // Erasures are in the trail as their confirmations to the controller (test/compliance/trail-coverage.test.ts).
    event('2026-10-05T10:00:00Z', FACTS.serviceRoleArns.visitorData, 'sns.amazonaws.com', 'Publish', `${FACTS.requestTopicArnPrefix}acme`),
    event('2026-10-05T10:00:01Z', FACTS.serviceRoleArns.visitorData, 'sns.amazonaws.com', 'Publish', `${FACTS.requestTopicArnPrefix}acme`),
    event('2026-10-05T10:00:02Z', FACTS.serviceRoleArns.visitorData, 'sns.amazonaws.com', 'Publish', `${FACTS.requestTopicArnPrefix}globex`),
    event('2026-10-05T10:30:00Z', FACTS.serviceRoleArns.collect, 'secretsmanager.amazonaws.com', 'GetSecretValue', undefined, { secretId: FACTS.pseudonymSecretArns.acme }),
    event('2026-10-05T11:00:00Z', role('Intruder'), 'secretsmanager.amazonaws.com', 'GetSecretValue', undefined, { secretId: FACTS.pseudonymSecretArns.acme }, 'AccessDenied'),
  ]], '2026-10-05T12:00:00Z');
  await fixture.deliver('2026/11/20', [[
    event('2026-11-20T08:00:00Z', OPERATOR, 'dynamodb.amazonaws.com', 'Scan', FACTS.visitsTableArn),
    event('2026-11-20T09:00:00Z', FACTS.serviceRoleArns.dataSubjectRequests, 'sns.amazonaws.com', 'Publish', `${FACTS.requestTopicArnPrefix}acme`),
    event('2026-11-20T09:30:00Z', OPERATOR, 's3.amazonaws.com', 'GetObject', `arn:aws:s3:::${BREACH_BUCKET}/breaches/x.json`),
  ]], '2026-11-20T12:00:00Z');
  // A file of the previous quarter: not this pack's business.
  await fixture.deliver('2026/09/30', [[event('2026-09-30T08:00:00Z', OPERATOR, 'dynamodb.amazonaws.com', 'GetItem', FACTS.visitsTableArn, item('acme'))]], '2026-09-30T12:00:00Z');

  const store = new RegisterStore(s3, BREACH_BUCKET);
  for (const report of [sampleReport({ affectedTenants: ['acme'] }), sampleReport({ reportId: 'globex-only-0001', affectedTenants: ['globex'] })]) {
    await store.createRecord(buildRecord(report, new Date('2026-11-25T12:00:00Z'), 5, { userArn: 'arn:aws:sts::123456789012:assumed-role/BreachOperator/ada' }), reportDigest(report));
  }

  live = await liveEvidence({ s3, auditBucket: AUDIT_BUCKET, publicKeys: fixture.publicKeys }, 'acme', QUARTER);
  pack = assembleAuditPack({ tenantId: 'acme', quarter: QUARTER, generatedAt: new Date('2026-12-31T10:00:00Z'), templates, tests: { passed: 812, failed: 0, skipped: 1, source: 'vitest-report.json' }, account: live, offboardingReports: [] });
}, 240_000);

afterAll(async () => {
  await emulator?.stop();
});

describe('template parts (offline, from the synthesized app)', () => {
  it("holds acme's register view and nothing of globex", () => {
    expect(templates.registerView.controller.tenantId).toBe('acme');
    expect(JSON.stringify(templates.registerView)).not.toMatch(/globex|Globex/);
  });

  it('ran the retention check and the EU guard and cdk-nag on the deployed templates: clean', () => {
    expect(templates.stacks.map((s) => s.name)).toContain('EuEnrichment');
    expect(templates.retention.storesChecked).toBeGreaterThan(10);
    expect(templates.retention.violations).toEqual([]);
    expect(templates.checks.unacknowledged).toEqual([]);
    expect(templates.sourceCommit).toBe('f00dfeed');
  });
});

describe('account parts (S3 reads against fauxqs)', () => {
  it('validates every log file of the quarter against signed, chained digests', () => {
    expect(live.logFileValidation).toMatchObject({ digests: 2, logFilesListed: 3, logFilesFound: 3, problems: [], signaturesChecked: true, logFilesNotInAnyDigest: 0 });
  });

  it('lists every access by someone other than the service to acme visits, the pseudonym key and the breach register', () => {
    expect(live.accesses.accessesByOthers.map((a) => [a.time, a.principal, a.action, a.store, a.denied])).toEqual([
      ['2026-10-05T08:00:00Z', OPERATOR, 'dynamodb:GetItem', 'visits table', false],
      ['2026-10-05T11:00:00Z', role('Intruder'), 'secretsmanager:GetSecretValue', 'pseudonym key', true],
      ['2026-11-20T08:00:00Z', OPERATOR, 'dynamodb:Scan', 'visits table', false],
      ['2026-11-20T09:30:00Z', OPERATOR, 's3:GetObject', 'breach register', false],
    ]);
  });

  it("counts acme's forwarded requests and erasures only", () => {
    expect(live.accesses.forwardedRequests).toBe(2);
    expect(live.accesses.erasures).toBe(2);
  });

  it('includes the breach records naming acme, with their hashes verified', () => {
    expect(live.breaches).toHaveLength(1);
    expect(live.breaches[0]).toMatchObject({ intact: true, detectedAt: '2026-11-25T07:40:00Z' });
  });

  it('finds a changed log file, a changed digest and a removed log file', async () => {
    const s3 = emulator.s3();
    const { logs, digests } = await readTrailObjects(s3, AUDIT_BUCKET, ACCOUNT, QUARTER);
    const changed = logs.map((log, i) => (i === 0 ? { ...log, bytes: gzipSync(Buffer.from('{"Records":[]}')) } : log));
    expect(validateLogFiles(changed, digests, fixture.publicKeys).problems).toEqual([expect.stringMatching(/SHA-256 differs .* \(the file was changed\)/)]);
    const resigned = digests.map((d, i) => (i === 1 ? { ...d, metadata: { ...d.metadata, signature: digests[0]!.metadata.signature! } } : d));
    expect(validateLogFiles(logs, resigned, fixture.publicKeys).problems.join('\n')).toMatch(/signature does not verify/);
    expect(validateLogFiles(logs.slice(1), digests, fixture.publicKeys).problems).toEqual([expect.stringMatching(/missing from the bucket/)]);
  });
});

describe('the pack files', () => {
  it('has a manifest with the SHA-256 of report.html and report.json, and is stored under audit-packs/acme/2026-Q4/', async () => {
    const files = packFiles(pack);
    const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(files['MANIFEST.sha256'].toString()).toBe(`${hex(files['report.html'])}  report.html\n${hex(files['report.json'])}  report.json\n`);
    const s3 = emulator.s3();
    const stored = await storePack(s3, AUDIT_BUCKET, pack, files);
    expect(stored.map((s) => s.key).sort()).toEqual(['MANIFEST.sha256', 'report.html', 'report.json'].map((f) => `audit-packs/acme/2026-Q4/${f}`));
    const json = await (await s3.send(new GetObjectCommand({ Bucket: AUDIT_BUCKET, Key: 'audit-packs/acme/2026-Q4/report.json' }))).Body!.transformToByteArray();
    expect(hex(Buffer.from(json))).toBe(hex(files['report.json']));
    expect(JSON.parse(Buffer.from(json).toString()).sources.account).toMatch(/read from the deployed account/);
  });
});

describe('report.html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-pack-chromium-'));
    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${dir}`],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every section with its heading and content, the chart, and no script', async () => {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setContent(packFiles(pack)['report.html'].toString(), { waitUntil: 'load' });
    const sections = await page.$$eval('section', (nodes) =>
      nodes.map((n) => ({ id: n.id, heading: n.querySelector('h2')?.textContent ?? '', height: n.getBoundingClientRect().height, text: (n as unknown as { innerText: string }).innerText })),
    );
    expect(sections.map((s) => s.id)).toEqual([...AUDIT_PACK_SECTIONS.slice(0, 3), ...REGISTER_VIEW_SECTIONS, ...AUDIT_PACK_SECTIONS.slice(3)]);
    for (const section of sections) {
      expect(section.heading, section.id).not.toBe('');
      expect(section.height, section.id).toBeGreaterThan(30);
    }
    const text = (id: string) => sections.find((s) => s.id === id)!.text;
    expect(text('log-file-validation')).toMatch(/2 digest file\(s\) listing 3 log file\(s\), 3 found; signatures verified/);
    expect(text('accesses')).toContain('secretsmanager:GetSecretValue');
    expect(text('requests-and-erasures')).toMatch(/Requests forwarded to your request topic\s+2/);
    expect(text('requests-and-erasures')).toMatch(/Erasures completed and confirmed to you \(POST \/v1\/visitor-data\/erase\)\s+2/);
    expect(text('breaches')).toMatch(/intact/);
    expect(text('tests')).toMatch(/812 passed, 0 failed/);
    const bars = await page.$$eval('#accesses svg rect', (rects) => rects.map((r) => r.querySelector('title')?.textContent));
    expect(bars).toEqual(['2026-10: 2', '2026-11: 2', '2026-12: 0']);
    expect(await page.$$('script')).toHaveLength(0);
  });
});
