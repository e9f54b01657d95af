import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOffboardingClient } from '../../tools/offboarding/dynamodb-client.js';
import { endOfContract, type EndOfContractReport } from '../../tools/offboarding/end-of-contract.js';
import { verifyReport, type SignedReport } from '../../tools/offboarding/offboarding-report.js';
import type { ApiGatewayPort } from '../../tools/offboarding/tenant-resources.js';
import { BreachEmulator, BUCKET, REGION } from '../breach/support/emulator.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { SEEDED_TENANTS, seedTenants, tenantCounts } from './visits-fixture.js';

/**
 * The end of a tenant's contract (issue 14, item 6), against:
 *   - DynamoDB Local (real SDK): the visits;
 *   - fauxqs (real SDK over HTTP): the tenants' SNS topics with their subscriptions, and the audit bucket;
 *   - a typed fake of ApiGatewayPort: API Gateway has no local emulator and no SDK client in this project;
 *   - the real Secrets Manager SDK client with its `send` answered by a middleware (no local emulator).
 */
const STACK = 'Test'; // the emulator names topics Test-breach-notice-<tenant>, as the stack "Test" would
const REPORT_KEY = 'report-signing-key-0123456789abcdef0123456789abcdef';
const RETENTION = { retentionDays: 30, pointInTimeRecoveryDays: 7, auditLogRetentionDays: 400, breachRecordRetentionYears: 5 };
const AT = new Date('2026-12-01T12:00:00.000Z');

/** API Gateway as a typed fake: usage plans with keys, a journal of calls, and an optional one-time failure. */
class FakeApiGateway implements ApiGatewayPort {
  readonly calls: string[] = [];
  readonly plans = new Map<string, { id: string; keys: string[]; apiStages: Array<{ apiId: string; stage: string }> }>();
  readonly keys = new Map<string, { enabled: boolean }>();
  failOnceAt: string | undefined;

  addPlan(name: string, keyIds: string[]): void {
    this.plans.set(name, { id: `plan-${name}`, keys: [...keyIds], apiStages: [{ apiId: 'api123', stage: 'live' }] });
    for (const keyId of keyIds) this.keys.set(keyId, { enabled: true });
  }
  private planById(id: string) {
    return [...this.plans.values()].find((plan) => plan.id === id)!;
  }
  private record(call: string): void {
    this.calls.push(call);
    if (this.failOnceAt !== undefined && call.startsWith(this.failOnceAt)) {
      this.failOnceAt = undefined;
      throw new Error(`injected failure at ${call}`);
    }
  }
  async findUsagePlan(name: string) {
    const plan = this.plans.get(name);
    return plan && { id: plan.id, apiStages: [...plan.apiStages] };
  }
  async usagePlanKeyIds(planId: string) {
    return [...this.planById(planId).keys];
  }
  async disableApiKey(keyId: string) {
    this.record(`disable ${keyId}`);
    this.keys.get(keyId)!.enabled = false;
  }
  async removeKeyFromPlan(planId: string, keyId: string) {
    this.record(`detach ${keyId}`);
    const plan = this.planById(planId);
    plan.keys = plan.keys.filter((key) => key !== keyId);
  }
  async deleteApiKey(keyId: string) {
    this.record(`delete-key ${keyId}`);
    this.keys.delete(keyId);
  }
  async detachStages(planId: string) {
    this.record(`detach-stages ${planId}`);
    this.planById(planId).apiStages = [];
  }
  async deleteUsagePlan(planId: string) {
    this.record(`delete-plan ${planId}`);
    for (const [name, plan] of this.plans) if (plan.id === planId) this.plans.delete(name);
  }
}

/** The real Secrets Manager client, answered in-process by a middleware: the tenants' secrets and the report key. */
function fakeSecretsManager(secrets: Map<string, string>, deleted: Array<Record<string, unknown>>): SecretsManagerClient {
  const client = new SecretsManagerClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  client.middlewareStack.add(
    () => async (args) => {
      const input = args.input as { SecretId: string; ForceDeleteWithoutRecovery?: boolean };
      if (!secrets.has(input.SecretId)) throw new ResourceNotFoundException({ message: 'no such secret', $metadata: {} });
      if ('ForceDeleteWithoutRecovery' in input) { // DeleteSecret (GetSecretValue has no such field)
        deleted.push({ ...input });
        secrets.delete(input.SecretId);
        return { output: { $metadata: {}, Name: input.SecretId }, response: {} };
      }
      return { output: { $metadata: {}, Name: input.SecretId, SecretString: secrets.get(input.SecretId) }, response: {} };
    },
    { step: 'initialize', name: 'inProcessSecretsManager' },
  );
  return client;
}

let table: TestVisitsTable;
let emulator: BreachEmulator;
let work: string;
const dynamo = createOffboardingClient({ region: REGION, endpoint: inject('dynamoDbEndpoint') });

beforeAll(async () => {
  table = await createTestVisitsTable();
  await seedTenants(dynamo, table.tableName);
  emulator = await BreachEmulator.start(['acme', 'globex']);
  work = await mkdtemp(path.join(tmpdir(), 'end-of-contract-'));
});
afterAll(async () => {
  await emulator.stop();
  await table.drop();
  await rm(work, { recursive: true, force: true });
  dynamo.destroy();
});

describe('end of contract for one tenant', () => {
  const api = new FakeApiGateway();
  const secrets = new Map([
    [`${STACK}/pseudonym-key/acme`, 'acme-secret'],
    [`${STACK}/pseudonym-key/globex`, 'globex-secret'],
    [`${STACK}/offboarding-report-key`, REPORT_KEY],
  ]);
  const deletedSecrets: Array<Record<string, unknown>> = [];
  const request = () => ({
    tenantId: 'acme',
    stackName: STACK,
    table: table.tableName,
    exportDir: path.join(work, 'export'),
    stateDir: path.join(work, 'state'),
    auditBucket: BUCKET,
    retention: RETENTION,
    pageSize: 100,
  });
  const deps = () => ({ dynamo, api, sns: emulator.sns(), secrets: fakeSecretsManager(secrets, deletedSecrets), s3: emulator.s3(), now: () => AT });
  let signed: SignedReport<EndOfContractReport>;

  beforeAll(() => {
    api.addPlan(`${STACK}-acme`, ['key-acme']);
    api.addPlan(`${STACK}-acme-data-subject-rights`, ['rights-key-acme']);
    api.addPlan(`${STACK}-globex`, ['key-globex']);
    api.addPlan(`${STACK}-globex-data-subject-rights`, ['rights-key-globex']);
  });

  it('stops at a failure and resumes: a second run finishes the job', async () => {
    api.failOnceAt = 'delete-plan plan-Test-acme-data-subject-rights';
    await expect(endOfContract(request(), deps())).rejects.toThrow(/injected failure/);
    const result = await endOfContract(request(), deps());
    expect(result.status).toBe('complete');
    if (result.status === 'complete') signed = result.signed;
  });

  it('disabled, detached and deleted both of the tenant’s keys and plans, and nothing of another tenant', () => {
    expect(api.calls.filter((call) => call.includes('key-acme')).slice(0, 3)).toEqual(['disable key-acme', 'detach key-acme', 'delete-key key-acme']);
    expect([...api.plans.keys()].sort()).toEqual([`${STACK}-globex`, `${STACK}-globex-data-subject-rights`]);
    expect([...api.keys.keys()].sort()).toEqual(['key-globex', 'rights-key-globex']);
    // The first run got as far as the second plan's deletion; the report states what the finishing run found.
    expect(signed.report.apiAccess).toEqual({
      usagePlans: [{ name: `${STACK}-acme`, status: 'already-gone' }, { name: `${STACK}-acme-data-subject-rights`, status: 'deleted' }],
      apiKeysDeleted: 0,
    });
    expect(api.calls.filter((call) => call.includes('rights-key-acme'))).toEqual(['disable rights-key-acme', 'detach rights-key-acme', 'delete-key rights-key-acme']);
  });

  it('deleted every visit of the tenant (after exporting them) and none of the others', async () => {
    const counts = await tenantCounts(dynamo, table.tableName);
    expect(counts.acme ?? 0).toBe(0);
    for (const tenant of ['acme-eu', 'globex', 'initech'] as const) expect(counts[tenant]).toBe(SEEDED_TENANTS[tenant]);
    expect(signed.report.visits.export).toMatchObject({ status: 'complete' });
  });

  it('removed the tenant’s topic with its subscription, and left the other tenant’s', async () => {
    const topics = (await emulator.sns().send(new ListTopicsCommand({}))).Topics!.map((topic) => topic.TopicArn!.split(':').at(-1));
    expect(topics).toContain(`${STACK}-breach-notice-globex`);
    expect(topics).not.toContain(`${STACK}-breach-notice-acme`);
    expect(signed.report.topics).toMatchObject({ topics: [expect.stringMatching(/:Test-breach-notice-acme$/)], subscriptionsRemoved: 1 });
  });

  it('destroyed the tenant’s pseudonym secret without a recovery window (crypto-shredding), and only that one', () => {
    expect(deletedSecrets).toEqual([{ SecretId: `${STACK}/pseudonym-key/acme`, ForceDeleteWithoutRecovery: true }]);
    expect(secrets.has(`${STACK}/pseudonym-key/globex`)).toBe(true);
  });

  it('wrote a signed report into the audit bucket saying what remains and until when', async () => {
    const object = await emulator.s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'offboarding/acme/2026-12-01T12-00-00-000Z.json' }));
    const stored = JSON.parse(await object.Body!.transformToString()) as SignedReport<EndOfContractReport>;
    expect(stored).toEqual(signed);
    expect(stored.signature).toMatchObject({ algorithm: 'HMAC-SHA256', keyName: `${STACK}/offboarding-report-key` });
    expect(verifyReport(stored, REPORT_KEY)).toBe(true);
    expect(verifyReport({ ...stored, report: { ...stored.report, tenant: 'globex' } }, REPORT_KEY)).toBe(false);
    const remains = Object.fromEntries(stored.report.remains.map((r) => [r.where, r.until]));
    expect(remains['DynamoDB PITR of the visits table']).toBe('2026-12-08T12:00:00.000Z');
    expect(remains['CloudTrail trail bucket (Object Lock) and its CloudWatch Logs copy']).toBe('2028-01-05T12:00:00.000Z');
    expect(remains['breach register bucket (Object Lock COMPLIANCE)']).toBe('2031-12-02T12:00:00.000Z'); // 5 years as 1827 days (leap days included)
  });

  it('is idempotent: run again, it answers with the same report and writes nothing more', async () => {
    const callsBefore = api.calls.length;
    const again = await endOfContract(request(), deps());
    expect(again).toMatchObject({ status: 'complete', signed });
    expect(api.calls.length).toBe(callsBefore);
    const listed = await emulator.s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'offboarding/' }));
    expect(listed.KeyCount).toBe(1);
  });
});
