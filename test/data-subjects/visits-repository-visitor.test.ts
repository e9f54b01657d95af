import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../lambdas/shared/visits/visit.js';
import { InvalidPositionError, MAX_VISITOR_PAGE_SIZE, VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';

/** VisitsRepository.listByVisitor and deleteByVisitor against DynamoDB Local, beyond one index page. */
const NOW = Date.now();

function visit(minutesAgo: number): Visit {
  return {
    visitId: randomUUID(),
    siteId: 'repo.example',
    pageUrl: 'https://repo.example/',
    referrer: null,
    visitedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
    expiresAt: Math.floor(NOW / 1000) + 86_400,
    company: { classification: 'business', organisation: 'Repo B.V.', domain: null, asn: null, country: 'NL' },
    database: { type: 'test', buildDate: '2026-01-01T00:00:00.000Z' },
  };
}

describe('VisitsRepository by visitor', () => {
  let table: TestVisitsTable;
  const repositoryOf = (tenantId: string) => new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId });
  const stored: Visit[] = [];

  beforeAll(async () => {
    table = await createTestVisitsTable();
    const a = repositoryOf('tenant-a');
    for (let i = 0; i < 150; i++) stored.push(visit(i + 1));
    await Promise.all(stored.map((v) => a.add(v, 'subject')));
    await a.add(visit(0), 'someone-else');
    await repositoryOf('tenant-b').add(visit(0), 'subject');
  });
  afterAll(() => table.drop());

  it('lists a visitor’s visits only, newest first, in pages of at most 100 without the keys', async () => {
    const first = await repositoryOf('tenant-a').listByVisitor('subject', { limit: 500 });
    expect(first.visits).toHaveLength(MAX_VISITOR_PAGE_SIZE);
    expect(first.visits[0]).toEqual(stored[0]);
    expect(Object.keys(first.visits[0]!)).not.toContain('visitorKey');
    const second = await repositoryOf('tenant-a').listByVisitor('subject', { limit: 100, after: first.next });
    expect(second.next).toBeUndefined();
    expect([...first.visits, ...second.visits]).toEqual(stored);
  });

  it.each(['TENANT#tenant-b', 'VISIT#x', `VISIT#${new Date(NOW).toISOString()}#a#b`, ''])('refuses the position %j', async (after) => {
    await expect(repositoryOf('tenant-a').listByVisitor('subject', { limit: 1, after })).rejects.toBeInstanceOf(InvalidPositionError);
  });

  it('deletes all of a visitor’s visits across several index pages in one call, and nobody else’s', async () => {
    expect(await repositoryOf('tenant-a').deleteByVisitor('subject', 1000)).toEqual({ deleted: 150, complete: true });
    const left = await table.items();
    expect(left.map((item) => item.visitorKey).sort()).toEqual(['TENANT#tenant-a#IP#someone-else', 'TENANT#tenant-b#IP#subject']);
    expect(await repositoryOf('tenant-a').deleteByVisitor('subject', 1000)).toEqual({ deleted: 0, complete: true });
  });
});
