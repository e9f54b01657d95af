import { randomUUID } from 'node:crypto';
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../../lambdas/shared/visits/visit.js';
import { VisitsRepository } from '../../../lambdas/shared/visits/visits-repository.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';

const NOW = Date.now();
const VISITS = 6;

function visit(minutesAgo: number): Visit {
  return {
    visitId: randomUUID(),
    siteId: 'www.example.com',
    pageUrl: 'https://www.example.com/pricing',
    referrer: null,
    visitedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
    expiresAt: Math.floor(NOW / 1000) + 86_400,
    company: { classification: 'business', organisation: 'Acme B.V.', domain: null, asn: null, country: 'NL', network: null },
    database: { type: 'GeoIP2-Enterprise', buildDate: '2025-01-01T00:00:00.000Z' },
  };
}

/**
 * DynamoDB Local never throttles, so this client — the real one against DynamoDB Local, with BatchGetItem answers
 * cut down the way DynamoDB cuts them under throttling — hands back part of the keys as UnprocessedKeys.
 */
function throttlingClient(real: DynamoDBDocumentClient, throttledCalls: number) {
  const batchGets: number[] = [];
  const client = {
    async send(command: unknown): Promise<unknown> {
      if (!(command instanceof BatchGetCommand)) return real.send(command as never);
      const [[table, request]] = Object.entries(command.input.RequestItems!) as [[string, { Keys: Array<Record<string, unknown>> }]];
      batchGets.push(request.Keys.length);
      if (batchGets.length > throttledCalls) return real.send(command);
      const served = request.Keys.slice(0, Math.floor(request.Keys.length / 2));
      const answer = served.length === 0 ? { Responses: { [table]: [] } } : await real.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: served } } }));
      return { ...answer, UnprocessedKeys: { [table]: { Keys: request.Keys.slice(served.length) } } } as BatchGetCommandOutput;
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, batchGets };
}

describe('VisitsRepository under BatchGetItem throttling (UnprocessedKeys), against DynamoDB Local', () => {
  let table: TestVisitsTable;
  const tenantId = 'throttled-tenant';

  beforeAll(async () => {
    table = await createTestVisitsTable();
    const repository = new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId });
    for (let i = 0; i < VISITS; i++) await repository.add(visit(i), 'visitor-1');
  });
  afterAll(async () => {
    await table.drop();
  });

  it('retries the unprocessed keys until every visit of the data subject is read', async () => {
    const { client, batchGets } = throttlingClient(table.documentClient, 2);
    const repository = new VisitsRepository({ client, tableName: table.tableName, tenantId });
    const page = await repository.listByVisitor('visitor-1', { limit: 100 });
    expect(page.visits).toHaveLength(VISITS);
    expect(new Set(page.visits.map((v) => v.visitId)).size).toBe(VISITS);
    expect(batchGets).toEqual([6, 3, 2]);
  });

  it('gives up with an error after five attempts instead of answering with part of the visits', async () => {
    const { client, batchGets } = throttlingClient(table.documentClient, Number.POSITIVE_INFINITY);
    const repository = new VisitsRepository({ client, tableName: table.tableName, tenantId });
    await expect(repository.listByVisitor('visitor-1', { limit: 100 })).rejects.toThrow(/visits could not be read \(throttled\)/);
    expect(batchGets).toEqual([6, 3, 2, 1, 1]);
  });
});
