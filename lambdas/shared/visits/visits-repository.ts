import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id.js';
import {
  VISIT_SORT_KEY_PREFIX,
  tenantPartitionKey,
  visitSortKey,
  visitSortKeyBound,
  visitorKey,
} from './table-schema.js';
import type { Visit } from './visit.js';

export interface VisitsRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Every key this repository reads or writes is built from this tenant id and no other. */
  readonly tenantId: string;
}

export interface VisitWindowQuery {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  readonly siteId?: string;
  /** Most visits to return (the page size). */
  readonly limit: number;
  /** Continue after this position (from a previous page's `next`). */
  readonly after?: string;
  /** Visits that expired before this instant are left out even if DynamoDB has not deleted them yet. */
  readonly now: Date;
}

export interface VisitPage {
  readonly visits: Visit[];
  /** Position to continue from; absent when the window is exhausted. */
  readonly next?: string;
}

export class VisitAlreadyExistsError extends Error {
  constructor() {
    super('a visit with this id already exists');
    this.name = 'VisitAlreadyExistsError';
  }
}

export class InvalidPositionError extends Error {
  constructor() {
    super('the continuation position does not belong to this query');
    this.name = 'InvalidPositionError';
  }
}

/** At most this many DynamoDB queries per page, so a selective site filter cannot make one request unbounded. */
const MAX_QUERIES_PER_PAGE = 5;

/**
 * Data access for one tenant's visits. The tenant is fixed at construction and every key is built
 * from it, so no argument of any method can reach another tenant's partition.
 *
 * Listing reads the tenant's partition newest first over the sort-key range of the time window.
 * The optional site is a filter, not an index: sites of one tenant share its partition, which keeps
 * one GSI (by visitor) on the table; a page may therefore take several queries (bounded above) and,
 * as with any DynamoDB filter, a page can come back short with a position to continue from.
 */
export class VisitsRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly partitionKey: string;
  readonly tenantId: string;

  constructor({ client, tableName, tenantId }: VisitsRepositoryOptions) {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    this.client = client;
    this.tableName = tableName;
    this.tenantId = tenantId;
    this.partitionKey = tenantPartitionKey(tenantId);
  }

  /** Stores a new visit; never overwrites an existing item. */
  async add(visit: Visit, visitorPseudonym: string): Promise<void> {
    const item = {
      pk: this.partitionKey,
      sk: visitSortKey(visit.visitedAt, visit.visitId),
      visitorKey: visitorKey(this.tenantId, visitorPseudonym),
      tenantId: this.tenantId,
      ...visit,
    };
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VisitAlreadyExistsError();
      throw error;
    }
  }

  async list(query: VisitWindowQuery): Promise<VisitPage> {
    const lower = visitSortKeyBound(query.from);
    const upper = visitSortKeyBound(query.to); // a visit at exactly `to` sorts after it: excluded
    if (query.after !== undefined && !(query.after.startsWith(VISIT_SORT_KEY_PREFIX) && query.after >= lower && query.after < upper)) {
      throw new InvalidPositionError();
    }
    const filters = ['#expiresAt > :now'];
    const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk', '#expiresAt': 'expiresAt' };
    const values: Record<string, unknown> = {
      ':pk': this.partitionKey,
      ':lower': lower,
      ':upper': upper,
      ':now': Math.floor(query.now.getTime() / 1000),
    };
    if (query.siteId !== undefined) {
      filters.push('#siteId = :siteId');
      names['#siteId'] = 'siteId';
      values[':siteId'] = query.siteId;
    }

    const visits: Visit[] = [];
    let startKey: Record<string, unknown> | undefined =
      query.after === undefined ? undefined : { pk: this.partitionKey, sk: query.after };
    for (let queries = 0; queries < MAX_QUERIES_PER_PAGE; queries++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (visits.length === query.limit) return { visits, next: sortKeyOf(visits.at(-1)!) };
        visits.push(visitFromItem(item));
      }
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { visits };
      if (visits.length === query.limit) break;
    }
    return { visits, next: String(startKey!.sk) };
  }
}

function sortKeyOf(visit: Visit): string {
  return visitSortKey(visit.visitedAt, visit.visitId);
}

/** Only the Visit attributes leave the repository: keys and the visitor pseudonym stay inside. */
function visitFromItem(item: Record<string, unknown>): Visit {
  return {
    visitId: item.visitId as string,
    siteId: item.siteId as string,
    pageUrl: item.pageUrl as string,
    referrer: (item.referrer as string | null | undefined) ?? null,
    visitedAt: item.visitedAt as string,
    expiresAt: item.expiresAt as number,
    company: item.company as Visit['company'],
    database: item.database as Visit['database'],
  };
}
