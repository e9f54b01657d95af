import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    company: { classification: 'business', organisation: 'Acme B.V.', domain: 'acme.example', asn: { number: 64500, organisation: 'ACME' }, country: 'NL' },
    database: { type: 'GeoIP2-Enterprise', buildDate: '2025-01-01T00:00:00.000Z' },
    ...overrides,
  };
}

describe('VisitsRepository against DynamoDB Local', () => {
  let table: TestVisitsTable;
  const repositoryOf = (tenantId: string) => new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId });
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
      pk: 'TENANT#store-tenant',
      sk: `VISIT#${visit.visitedAt}#${visit.visitId}`,
      visitorKey: 'TENANT#store-tenant#IP#pseudonym-1',
      tenantId: 'store-tenant',
      ...visit,
    });
    expect(await repository.list(wholeWindow)).toEqual({ visits: [visit] });
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

  it('pages through a window without gaps or repeats, also under a site filter', async () => {
    const repository = repositoryOf('paging-tenant');
    const visits = Array.from({ length: 23 }, (_, i) =>
      visitAt(new Date(NOW.getTime() - (i + 1) * 60_000), { siteId: i % 3 === 0 ? 'a.example' : 'b.example' }),
    );
    for (const visit of visits) await repository.add(visit, `p${visit.visitId}`);

    for (const [siteId, limit] of [[undefined, 5], [undefined, 23], ['a.example', 2], ['b.example', 4]] as const) {
      const seen: Visit[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await repository.list({ ...wholeWindow, siteId, limit, after });
        expect(page.visits.length).toBeLessThanOrEqual(limit);
        seen.push(...page.visits);
        after = page.next;
        pages++;
      } while (after && pages < 50);
      const expected = visits.filter((v) => siteId === undefined || v.siteId === siteId);
      expect(seen.map((v) => v.visitId), `site ${siteId}, limit ${limit}`).toEqual(expected.map((v) => v.visitId));
    }
  });

  it('refuses a continuation position outside the query’s window', async () => {
    const repository = repositoryOf('position-tenant');
    for (const after of ['TENANT#x', 'VISIT#2001-01-01T00:00:00.000Z#x', `VISIT#${new Date(NOW.getTime() + DAY).toISOString()}#x`]) {
      await expect(repository.list({ ...wholeWindow, after })).rejects.toBeInstanceOf(InvalidPositionError);
    }
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
    const alicePosition = `VISIT#${aliceVisit.visitedAt}#${aliceVisit.visitId}`;
    expect((await bob.list({ ...wholeWindow, after: alicePosition })).visits).toEqual([bobVisit]);
    // add: the same visit id and time under bob creates bob's item and leaves alice's untouched.
    await bob.add({ ...aliceVisit, pageUrl: 'https://bob.example/' }, 'x');
    const items = await table.items();
    expect(items.filter((i) => i.visitId === aliceVisit.visitId).map((i) => [i.pk, i.pageUrl])).toEqual(
      expect.arrayContaining([
        ['TENANT#alice', aliceVisit.pageUrl],
        ['TENANT#bob', 'https://bob.example/'],
      ]),
    );
    // pseudonyms are keyed per tenant too.
    expect(items.filter((i) => i.pk === 'TENANT#alice').every((i) => String(i.visitorKey).startsWith('TENANT#alice#'))).toBe(true);
  });

  it('accepts only tenant ids that cannot reach into another tenant’s key space', () => {
    for (const tenantId of ['', 'alice#', 'ALICE', 'a b', 'alice#IP#x', '-alice']) {
      expect(() => repositoryOf(tenantId), tenantId).toThrow('invalid tenant id');
    }
  });
});
