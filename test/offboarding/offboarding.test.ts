import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import { deleteExportedItems, deleteTenantPartition } from '../../tools/offboarding/delete-tenant.js';
import { createOffboardingClient } from '../../tools/offboarding/dynamodb-client.js';
import { exportTenant, type ExportManifest } from '../../tools/offboarding/export-tenant.js';
import { offboard } from '../../tools/offboarding/offboard.js';
import { InvalidTenantIdError } from '../../tools/offboarding/tenant-partition.js';
import { REPO_ROOT } from '../infra/test-app.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { asExported, inExportOrder, putItems, SEEDED_TENANTS, seedTenants, tenantCounts, visitItems } from './visits-fixture.js';

const endpoint = inject('dynamoDbEndpoint');
/** The client under test: the CLI's own, pointed at the run's DynamoDB Local. */
const client = createOffboardingClient({ region: 'eu-central-1', endpoint });
/** Seeded once; only read (export, dry run, refusals). */
let shared: { table: string; seeded: Awaited<ReturnType<typeof seedTenants>> };
let work: string;
const tables: TestVisitsTable[] = [];

/** Tests that delete seed a table of their own. */
async function freshTable() {
  const created = await createTestVisitsTable();
  tables.push(created);
  return { table: created.tableName, seeded: await seedTenants(client, created.tableName) };
}

beforeAll(async () => {
  shared = await freshTable();
});

afterAll(async () => {
  await Promise.all(tables.map((t) => t.drop()));
  client.destroy();
});

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'offboard-'));
  return () => rm(work, { recursive: true, force: true });
});

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const readManifest = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as ExportManifest;
const exportLines = async (dir: string) => (await readFile(path.join(dir, 'items.jsonl'), 'utf8')).split('\n').slice(0, -1);
const othersUnchanged = (counts: Record<string, number>, except: string) => {
  for (const [tenantId, count] of Object.entries(SEEDED_TENANTS)) if (tenantId !== except) expect(counts[tenantId]).toBe(count);
};

describe('export of one tenant', () => {
  it('writes every item once, as seeded, with a manifest whose count and checksum match the file', async () => {
    const { table, seeded } = shared;
    const dir = path.join(work, 'acme');
    const result = await exportTenant({ client, table, tenantId: 'acme', dir, pageSize: 100 });

    expect(result.status).toBe('complete');
    const manifest = await readManifest(dir);
    expect(manifest).toMatchObject({ tenant: 'acme', table, file: 'items.jsonl', itemCount: SEEDED_TENANTS.acme, resumptions: 0 });
    expect(manifest.sha256).toBe(await sha256(path.join(dir, 'items.jsonl')));
    expect(manifest.toolVersion).toMatch(/^eu-ip-enrichment@\d+\.\d+\.\d+/);
    expect(Date.parse(manifest.startedAt)).toBeLessThanOrEqual(Date.parse(manifest.finishedAt));

    const items = (await exportLines(dir)).map((line) => (JSON.parse(line) as { Item: unknown }).Item);
    expect(items).toEqual(inExportOrder(seeded.acme!, 'acme').map(asExported)); // same items, every partition, nothing of acme-eu
    expect(new Set(items.map((item) => (item as { pk: { S: string } }).pk.S)).size).toBe(10); // unsharded, 8 shards, shard 20
    expect(items.filter((item) => (item as Record<string, unknown>).visitorKey !== undefined)).toHaveLength(Math.ceil(SEEDED_TENANTS.acme / 3));
    expect((await readdir(dir)).sort()).toEqual(['items.jsonl', 'manifest.json']); // checkpoint removed
  });

  it('gives the same bytes for the same data (stable attribute order)', async () => {
    const { table } = shared;
    await exportTenant({ client, table, tenantId: 'globex', dir: path.join(work, 'a'), pageSize: 1000 });
    await exportTenant({ client, table, tenantId: 'globex', dir: path.join(work, 'b'), pageSize: 7 });
    expect((await readManifest(path.join(work, 'a'))).sha256).toBe((await readManifest(path.join(work, 'b'))).sha256);
  });

  it('resumes an interrupted export without duplicates, to the same file and checksum as an uninterrupted one', async () => {
    const { table } = shared;
    const reference = path.join(work, 'reference');
    await exportTenant({ client, table, tenantId: 'acme', dir: reference, pageSize: 50 });

    const dir = path.join(work, 'interrupted');
    const abortAfter = (pages: number) => {
      const controller = new AbortController();
      return { signal: controller.signal, afterPage: (state: { pages: number }) => state.pages === pages && controller.abort() };
    };
    const first = await exportTenant({ client, table, tenantId: 'acme', dir, pageSize: 50, ...abortAfter(2) });
    expect(first).toEqual({ status: 'interrupted', count: 100 });
    // A crash after writing a page but before its checkpoint leaves extra lines behind: they must go.
    await appendFile(path.join(dir, 'items.jsonl'), '{"Item":{"pk":{"S":"TENANT#acme"},"sk":{"S":"VISIT#partial');
    const second = await exportTenant({ client, table, tenantId: 'acme', dir, pageSize: 50, ...abortAfter(4) });
    expect(second).toEqual({ status: 'interrupted', count: 200 });
    const last = await exportTenant({ client, table, tenantId: 'acme', dir, pageSize: 50 });

    expect(last.status).toBe('complete');
    const manifest = await readManifest(dir);
    expect(manifest).toMatchObject({ itemCount: SEEDED_TENANTS.acme, resumptions: 2, sha256: (await readManifest(reference)).sha256 });
    expect(await readFile(path.join(dir, 'items.jsonl'))).toEqual(await readFile(path.join(reference, 'items.jsonl')));
    const sortKeys = (await exportLines(dir)).map((line) => (JSON.parse(line) as { Item: { sk: { S: string } } }).Item.sk.S);
    expect(new Set(sortKeys).size).toBe(SEEDED_TENANTS.acme);
  });

  it('refuses to mix tenants in one directory', async () => {
    const { table } = shared;
    const dir = path.join(work, 'shared');
    await exportTenant({ client, table, tenantId: 'acme', dir });
    await expect(exportTenant({ client, table, tenantId: 'globex', dir })).rejects.toThrow(/holds an export of tenant acme/);
  });
});

describe('deletion of one tenant', () => {
  it('deletes every item of the tenant and none of the others (acme-eu shares acme as a prefix)', async () => {
    const { table, seeded } = await freshTable();
    const result = await deleteTenantPartition({ client, table, tenantId: 'acme', pageSize: 60 });

    expect(result).toEqual({ status: 'complete', deleteRequests: SEEDED_TENANTS.acme, remaining: 0 });
    const counts = await tenantCounts(client, table);
    expect(counts.acme).toBe(0);
    othersUnchanged(counts, 'acme');
    const byVisitor = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: VISITS_TABLE.visitorIndex.name,
        KeyConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': VISITS_TABLE.visitorIndex.partitionKey },
        ExpressionAttributeValues: { ':v': seeded.acme![0]!.visitorKey! },
      }),
    );
    expect(byVisitor.Count).toBe(0);
  });

  it('after an export, deletes exactly the exported items; a visit written after the export stays and is reported', async () => {
    const { table } = await freshTable();
    const dir = path.join(work, 'globex');
    await exportTenant({ client, table, tenantId: 'globex', dir });
    const late = visitItems('globex', SEEDED_TENANTS.globex + 2).at(-1)!; // in a shard
    await putItems(client, table, [late]);

    const result = await deleteExportedItems({ client, table, tenantId: 'globex', dir, pageSize: 100 });

    expect(result).toEqual({ status: 'items-remain', deleteRequests: SEEDED_TENANTS.globex, remaining: 1 });
    const left = await client.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': late.pk! } }),
    );
    expect(left.Items).toEqual([late]);
    othersUnchanged(await tenantCounts(client, table), 'globex');
  });

  it('resumes an interrupted export-driven deletion', async () => {
    const { table } = await freshTable();
    const dir = path.join(work, 'initech');
    await exportTenant({ client, table, tenantId: 'initech', dir });
    const controller = new AbortController();
    const first = await deleteExportedItems({ client, table, tenantId: 'initech', dir, pageSize: 50, signal: controller.signal, afterPage: () => controller.abort() });
    expect(first).toMatchObject({ status: 'interrupted', deleteRequests: 50 });
    expect((await tenantCounts(client, table)).initech).toBe(SEEDED_TENANTS.initech - 50);

    const rest = await deleteExportedItems({ client, table, tenantId: 'initech', dir, pageSize: 50 });
    expect(rest).toEqual({ status: 'complete', deleteRequests: SEEDED_TENANTS.initech - 50, remaining: 0 });
    othersUnchanged(await tenantCounts(client, table), 'initech');
  });

  it('refuses to delete from an export that was altered, even with a recomputed checksum', async () => {
    const { table } = await freshTable();
    const dir = path.join(work, 'tampered');
    await exportTenant({ client, table, tenantId: 'acme', dir });
    const file = path.join(dir, 'items.jsonl');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"TENANT#acme"', '"TENANT#globex"'));
    await expect(deleteExportedItems({ client, table, tenantId: 'acme', dir })).rejects.toThrow(/does not match its manifest checksum/);

    const manifest = await readManifest(dir);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, sha256: await sha256(file) }));
    await expect(deleteExportedItems({ client, table, tenantId: 'acme', dir })).rejects.toThrow(/line 1 .* is not an item of tenant acme/);
    expect(await tenantCounts(client, table)).toEqual(SEEDED_TENANTS);
  });
});

describe('offboard (export, then delete what was exported)', () => {
  it('exports, deletes, verifies zero left and reports the counts', async () => {
    const { table } = await freshTable();
    const dir = path.join(work, 'out');
    const messages: string[] = [];
    const report = await offboard(
      { tenantId: 'acme-eu', table, exportDir: dir, delete: true, dryRun: false, pageSize: 40 },
      { client, progress: (message) => messages.push(message) },
    );

    expect(report).toMatchObject({
      tenant: 'acme-eu',
      dryRun: false,
      export: { status: 'complete', directory: dir, manifest: { itemCount: SEEDED_TENANTS['acme-eu'] } },
      delete: { status: 'complete', deleteRequests: SEEDED_TENANTS['acme-eu'], remaining: 0 },
    });
    const counts = await tenantCounts(client, table);
    expect(counts['acme-eu']).toBe(0);
    othersUnchanged(counts, 'acme-eu');
    expect(messages.at(-1)).toMatch(/delete acme-eu: 140 of 140 exported items deleted/);
  });

  it('in a dry run, counts and writes nothing', async () => {
    const { table } = shared;
    const dir = path.join(work, 'never-created');
    const report = await offboard({ tenantId: 'globex', table, exportDir: dir, delete: true, dryRun: true }, { client });

    expect(report).toMatchObject({
      dryRun: true,
      export: { dryRun: true, wouldExport: SEEDED_TENANTS.globex, alreadyExported: 0 },
      delete: { dryRun: true, wouldDelete: SEEDED_TENANTS.globex },
    });
    expect(existsSync(dir)).toBe(false);
    expect(await tenantCounts(client, table)).toEqual(SEEDED_TENANTS);
  });

  it.each(['ACME', 'acme#x', '', '-acme', 'a'.repeat(33), '../acme', 'acme eu'])('rejects the tenant id %j and touches nothing', async (tenantId) => {
    const { table } = shared;
    await expect(offboard({ tenantId, table, delete: true, dryRun: false }, { client })).rejects.toThrow(InvalidTenantIdError);
    await expect(deleteTenantPartition({ client, table, tenantId })).rejects.toThrow(InvalidTenantIdError);
    expect(await tenantCounts(client, table)).toEqual(SEEDED_TENANTS);
  });
});

describe('bin/offboard.ts', () => {
  const run = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'bin/offboard.ts', ...args], { cwd: REPO_ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('exports and deletes a tenant against DynamoDB Local, with progress on stderr and the report on stdout', async () => {
    const { table } = await freshTable();
    const dir = path.join(work, 'cli');
    const result = await run('--tenant', 'initech', '--export', dir, '--delete', '--table', table, '--endpoint', endpoint, '--page-size', '100');

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/export initech: 210 items \(3 pages\)/);
    expect(JSON.parse(result.stdout)).toMatchObject({
      export: { status: 'complete', manifest: { itemCount: SEEDED_TENANTS.initech } },
      delete: { status: 'complete', remaining: 0 },
    });
    othersUnchanged(await tenantCounts(client, table), 'initech');
  }, 30_000);

  it('exits 2 with the usage on an invalid tenant id', async () => {
    const { table } = shared;
    const result = await run('--tenant', 'Not/Valid', '--delete', '--table', table, '--endpoint', endpoint);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid tenant id "Not\/Valid"[\s\S]*Usage: npm run offboard/);
    expect(result.stdout).toBe('');
    expect(await tenantCounts(client, table)).toEqual(SEEDED_TENANTS);
  }, 30_000);
});
