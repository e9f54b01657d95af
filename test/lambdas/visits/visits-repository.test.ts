import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { tenantPartitionKey, visitPartitionKey, visitShard, visitSortKey, visitorKey } from '../../../lambdas/shared/visits/table-schema.js';
import type { Visit } from '../../../lambdas/shared/visits/visit.js';
import { InvalidPositionError, VisitAlreadyExistsError, VisitsRepository } from '../../../lambdas/shared/visits/visits-repository.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';

// DynamoDB Local runs TTL deletion like DynamoDB: items must expire in the real future to stay put.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const DAY = 86_400_000;
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function visitAt(visitedAt: Date, overrides: Partial<Visit> = {}): Visit {
  return {
    visitId: randomUUID(),
    siteId: 'www.example.com',
    pageUrl: 'https://www.example.com/pricing',
    referrer: null,
    visitedAt: visitedAt.toISOString(),
    expiresAt: epochSeconds(NOW) + 30 * 86_400,
    company: { classification: 'business', organisation: 'Acme B.V.', domain: 'acme.example', asn: { number: 64500, organisation: 'ACME' }, country: 'NL', network: '81.2.69.0/24' },
    database: { type: 'GeoIP2-Enterprise', buildDate: '2025-01-01T00:00:00.000Z' },
    ...overrides,
  };
}

describe('VisitsRepository against DynamoDB Local', () => {
  let table: TestVisitsTable;
  const repositoryOf = (tenantId: string, shards?: number) =>
    new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId, shards });
  const wholeWindow = { from: new Date(NOW.getTime() - 40 * DAY), to: NOW, now: NOW, limit: 100 };

  beforeAll(async () => {
    table = await createTestVisitsTable();
  });
  afterAll(async () => {
    await table.drop();
  });

  it('stores a visit under the tenant’s keys with its pseudonym and TTL, and lists it back', async () => {
    const repository = repositoryOf('store-tenant');
    const visit = visitAt(new Date(NOW.getTime() - DAY));
    await repository.add(visit, 'pseudonym-1');

    const [item] = (await table.items()).filter((i) => i.tenantId === 'store-tenant');
    expect(item).toEqual({
      pk: `TENANT#store-tenant#${visitShard(visit.visitId, 8)}`,
      sk: `VISIT#${visit.visitedAt}#${visit.visitId}`,
      visitorKey: 'TENANT#store-tenant#IP#pseudonym-1',
      tenantId: 'store-tenant',
      ...visit,
    });
    expect(await repository.list(wholeWindow)).toEqual({ visits: [visit] });
  });

  it('spreads a tenant’s visits over its shards, by visit id', async () => {
    const repository = repositoryOf('spread-tenant', 4);
    const visits = Array.from({ length: 40 }, (_, i) => visitAt(new Date(NOW.getTime() - (i + 1) * 60_000)));
    for (const visit of visits) await repository.add(visit, 'p');
    const items = (await table.items()).filter((i) => i.tenantId === 'spread-tenant');
    for (const item of items) expect(item.pk).toBe(visitPartitionKey('spread-tenant', visitShard(String(item.visitId), 4)));
    // Every shard is used, none holds most of the visits.
    const perShard = [0, 1, 2, 3].map((shard) => items.filter((i) => i.pk === `TENANT#spread-tenant#${shard}`).length);
    expect(Math.min(...perShard)).toBeGreaterThan(0);
    expect(Math.max(...perShard)).toBeLessThan(25);
    expect((await repository.list({ ...wholeWindow, limit: 100 })).visits.map((v) => v.visitId)).toEqual(visits.map((v) => v.visitId));
  });

  it('stores a retried put of the same visit once, without calling it a conflict', async () => {
    const repository = repositoryOf('retry-tenant');
    const visit = visitAt(new Date(NOW.getTime() - DAY));
    await repository.add(visit, 'p');
    // What the SDK does when the first attempt was applied but its answer was lost: the same put again.
    await expect(repository.add(visit, 'p')).resolves.toBeUndefined();
    expect((await table.items()).filter((i) => i.tenantId === 'retry-tenant')).toHaveLength(1);
  });

  it('never overwrites an existing visit', async () => {
    const repository = repositoryOf('overwrite-tenant');
    const visit = visitAt(new Date(NOW.getTime() - DAY));
    await repository.add(visit, 'first');
    await expect(repository.add({ ...visit, pageUrl: 'https://evil.example/' }, 'second')).rejects.toBeInstanceOf(VisitAlreadyExistsError);
    const items = (await table.items()).filter((i) => i.tenantId === 'overwrite-tenant');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ pageUrl: visit.pageUrl, visitorKey: 'TENANT#overwrite-tenant#IP#first' });
  });

  it('lists newest first within [from, to), filtered by site, leaving out expired visits', async () => {
    const repository = repositoryOf('window-tenant');
    const at = (hoursAgo: number, overrides: Partial<Visit> = {}) => visitAt(new Date(NOW.getTime() - hoursAgo * 3_600_000), overrides);
    const inside = [at(1), at(5, { siteId: 'shop.example.com' }), at(10)];
    const atFrom = at(24);
    const atTo = at(0);
    const before = at(25);
    const expiring = at(3, { expiresAt: epochSeconds(NOW) + 3_600 });
    for (const visit of [...inside, atFrom, atTo, before, expiring]) await repository.add(visit, 'p');

    const window = { from: new Date(NOW.getTime() - 24 * 3_600_000), to: NOW, now: NOW, limit: 100 };
    expect((await repository.list(window)).visits).toEqual([inside[0], expiring, inside[1], inside[2], atFrom]);
    expect((await repository.list({ ...window, siteId: 'shop.example.com' })).visits).toEqual([inside[1]]);
    expect((await repository.list({ ...window, siteId: 'other.example.com' })).visits).toEqual([]);
    // Two hours later the expiring visit is past expiresAt: left out on read although still in the table.
    const later = { ...window, now: new Date(NOW.getTime() + 2 * 3_600_000) };
    expect((await repository.list(later)).visits).toEqual([inside[0], inside[1], inside[2], atFrom]);
    expect((await table.items()).map((item) => item.visitId)).toContain(expiring.visitId);
  });

  it.each([1, 3, 8])('pages through a window over %i shard(s) without gaps or repeats, also under a site filter', async (shards) => {
    const tenantId = `paging-tenant-${shards}`;
    const repository = repositoryOf(tenantId, shards);
    const visits = Array.from({ length: 23 }, (_, i) =>
      visitAt(new Date(NOW.getTime() - (i + 1) * 60_000), { siteId: i % 3 === 0 ? 'a.example' : 'b.example' }),
    );
    for (const visit of visits) await repository.add(visit, `p${visit.visitId}`);

    for (const [siteId, limit] of [[undefined, 5], [undefined, 23], [undefined, 1], ['a.example', 2], ['b.example', 4]] as const) {
      const seen: Visit[] = [];
      const pageSizes: number[] = [];
      let after: string | undefined;
      do {
        const page = await repository.list({ ...wholeWindow, siteId, limit, after });
        expect(page.visits.length).toBeLessThanOrEqual(limit);
        seen.push(...page.visits);
        pageSizes.push(page.visits.length);
        after = page.next;
      } while (after && pageSizes.length < 50);
      const expected = visits.filter((v) => siteId === undefined || v.siteId === siteId);
      expect(seen.map((v) => v.visitId), `site ${siteId}, limit ${limit}`).toEqual(expected.map((v) => v.visitId));
      // Unfiltered pages are full but the last: the merge does not hand out a short page it could have filled.
      if (siteId === undefined) expect(pageSizes.slice(0, -1).every((size) => size === limit), `limit ${limit}: ${pageSizes}`).toBe(true);
    }
  });

  it('lists visits of the unsharded layout (written before sharding) merged in time order with sharded ones', async () => {
    const tenantId = 'legacy-tenant';
    const legacy = [visitAt(new Date(NOW.getTime() - 3 * DAY)), visitAt(new Date(NOW.getTime() - 30 * 60_000))];
    for (const visit of legacy) {
      const item = { pk: tenantPartitionKey(tenantId), sk: visitSortKey(visit.visitedAt, visit.visitId), visitorKey: visitorKey(tenantId, 'old'), tenantId, ...visit };
      await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: item }));
    }
    const repository = repositoryOf(tenantId, 4);
    const current = [visitAt(new Date(NOW.getTime() - 10 * 60_000)), visitAt(new Date(NOW.getTime() - 2 * DAY))];
    for (const visit of current) await repository.add(visit, 'new');

    const expected = [current[0]!, legacy[1]!, current[1]!, legacy[0]!].map((v) => v.visitId);
    expect((await repository.list(wholeWindow)).visits.map((v) => v.visitId)).toEqual(expected);
    const first = await repository.list({ ...wholeWindow, limit: 3 });
    const second = await repository.list({ ...wholeWindow, limit: 3, after: first.next });
    expect([...first.visits, ...second.visits].map((v) => v.visitId)).toEqual(expected);
    expect(second.next).toBeUndefined();
    // The visitor methods reach the old layout too (erasure must find every copy).
    expect((await repository.listByVisitor('old', { limit: 10 })).visits.map((v) => v.visitId)).toEqual([legacy[1]!.visitId, legacy[0]!.visitId]);
    expect(await repository.deleteByVisitor('old', 10)).toEqual({ deleted: 2, complete: true });
  });

  it('refuses a continuation position outside the query’s window', async () => {
    const repository = repositoryOf('position-tenant');
    const inside = `VISIT#${new Date(NOW.getTime() - DAY).toISOString()}#x`;
    const flags = '1'.repeat(9); // the unsharded partition and 8 shards
    for (const after of [
      'TENANT#x',
      `TENANT#x|${flags}`,
      `VISIT#2001-01-01T00:00:00.000Z#x|${flags}`,
      `VISIT#${new Date(NOW.getTime() + DAY).toISOString()}#x|${flags}`,
      inside, // the position of the unsharded layout (no flags)
      `${inside}|${'1'.repeat(5)}`, // issued under another shard count
      `${inside}|${'2'.repeat(9)}`,
      `|${flags}`,
    ]) {
      await expect(repository.list({ ...wholeWindow, after }), after).rejects.toBeInstanceOf(InvalidPositionError);
    }
    await expect(repository.list({ ...wholeWindow, after: `${inside}|${flags}` })).resolves.toEqual({ visits: [] });
  });

  it('isolates tenants: no method of one tenant’s repository reaches another tenant’s visits', async () => {
    const alice = repositoryOf('alice');
    const bob = repositoryOf('bob');
    const aliceVisit = visitAt(new Date(NOW.getTime() - DAY));
    const bobVisit = visitAt(new Date(NOW.getTime() - 2 * DAY));
    await alice.add(aliceVisit, 'same-pseudonym');
    await bob.add(bobVisit, 'same-pseudonym');

    // list: each sees only its own, with and without a site filter.
    expect((await alice.list(wholeWindow)).visits).toEqual([aliceVisit]);
    expect((await bob.list(wholeWindow)).visits).toEqual([bobVisit]);
    expect((await bob.list({ ...wholeWindow, siteId: aliceVisit.siteId })).visits).toEqual([bobVisit]);
    // list with the other tenant's exact position: the key is rebuilt from bob's own partition.
    const alicePosition = `VISIT#${aliceVisit.visitedAt}#${aliceVisit.visitId}|${'1'.repeat(9)}`;
    expect((await bob.list({ ...wholeWindow, after: alicePosition })).visits).toEqual([bobVisit]);
    // add: the same visit id and time under bob creates bob's item and leaves alice's untouched.
    await bob.add({ ...aliceVisit, pageUrl: 'https://bob.example/' }, 'x');
    const items = await table.items();
    const shard = visitShard(aliceVisit.visitId, 8);
    expect(items.filter((i) => i.visitId === aliceVisit.visitId).map((i) => [i.pk, i.pageUrl])).toEqual(
      expect.arrayContaining([
        [`TENANT#alice#${shard}`, aliceVisit.pageUrl],
        [`TENANT#bob#${shard}`, 'https://bob.example/'],
      ]),
    );
    // pseudonyms are keyed per tenant too.
    expect(items.filter((i) => String(i.pk).startsWith('TENANT#alice#')).every((i) => String(i.visitorKey).startsWith('TENANT#alice#'))).toBe(true);
  });

  it('accepts only tenant ids that cannot reach into another tenant’s key space', () => {
    for (const tenantId of ['', 'alice#', 'ALICE', 'a b', 'alice#IP#x', '-alice']) {
      expect(() => repositoryOf(tenantId), tenantId).toThrow('invalid tenant id');
    }
    for (const shards of [0, 33, 1.5, Number.NaN]) expect(() => repositoryOf('alice', shards), String(shards)).toThrow('shards must be');
  });
});
