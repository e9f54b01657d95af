import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id.js';
import {
  VISITS_TABLE,
  VISIT_SORT_KEY_PREFIX,
  tenantPartitionKey,
  visitSortKey,
  visitSortKeyBound,
  visitorKey,
} from './table-schema.js';
import type { Visit } from './visit.js';
import { backoffDelay, sleep, type Backoff } from '../retry/backoff.js';

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

export interface VisitorPageQuery {
  /** Most visits to return (the page size), at most MAX_VISITOR_PAGE_SIZE. */
  readonly limit: number;
  /** Continue after this position (from a previous page's `next`). */
  readonly after?: string;
}

export interface ErasureOutcome {
  /** Visits this call deleted (none that were already gone). */
  readonly deleted: number;
  /** False when the call stopped at its limit and more visits may remain: call again. */
  readonly complete: boolean;
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

/** Some deletes failed (throttling, an outage); `deleted` were done. Erasure is idempotent: run it again. */
export class ErasureIncompleteError extends Error {
  constructor(
    readonly deleted: number,
    cause: unknown,
  ) {
    super(`erasure stopped after ${deleted} deletions`, { cause });
    this.name = 'ErasureIncompleteError';
  }
}

/** BatchGetItem reads at most 100 keys per call: one visitor page is one index query and one batch read. */
export const MAX_VISITOR_PAGE_SIZE = 100;
/** Unprocessed keys of a batch read (throttling) are retried this often, with backoff, before giving up. */
const BATCH_GET_ATTEMPTS = 5;
const BATCH_GET_BACKOFF: Backoff = { baseDelayMs: 50, maxDelayMs: 1_000 };

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
 *
 * A data subject's visits are found through the byVisitor index, whose partition key embeds the
 * tenant and the visitor's pseudonym; items are then read and deleted by their base-table key built
 * from this tenant's partition, and every delete is conditional on the pseudonym, so neither access
 * nor erasure can reach another tenant's or another visitor's item. The index is eventually
 * consistent: a visit recorded a moment ago may be found only on the next call.
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

  /**
   * One data subject's visits, newest first, a page at a time (an access request). Visits past
   * `expiresAt` that DynamoDB's TTL has not removed yet are included: they are still held.
   */
  async listByVisitor(visitorPseudonym: string, query: VisitorPageQuery): Promise<VisitPage> {
    if (query.after !== undefined && !isVisitSortKey(query.after)) throw new InvalidPositionError();
    const key = visitorKey(this.tenantId, visitorPseudonym);
    const page = await this.visitorSortKeys(key, Math.min(query.limit, MAX_VISITOR_PAGE_SIZE), query.after);
    const items = await this.itemsAt(page.sortKeys);
    const visits = page.sortKeys
      .map((sortKey) => items.get(sortKey))
      // Gone since the index was read (erased or expired), or, were the index ever wrong, not this visitor's.
      .filter((item): item is Record<string, unknown> => item?.visitorKey === key)
      .map(visitFromItem);
    return page.next === undefined ? { visits } : { visits, next: page.next };
  }

  /**
   * Deletes one data subject's visits (an erasure request), at most `maxVisits` per call so one call
   * stays within the function's time limit; `complete` says whether any may remain. Safe to repeat:
   * a visit already gone is not counted again.
   */
  async deleteByVisitor(visitorPseudonym: string, maxVisits: number): Promise<ErasureOutcome> {
    const key = visitorKey(this.tenantId, visitorPseudonym);
    let deleted = 0;
    let examined = 0;
    let after: string | undefined;
    while (examined < maxVisits) {
      const page = await this.visitorSortKeys(key, Math.min(MAX_VISITOR_PAGE_SIZE, maxVisits - examined), after);
      examined += page.sortKeys.length;
      const outcomes = await Promise.allSettled(page.sortKeys.map((sortKey) => this.deleteVisitorItem(sortKey, key)));
      deleted += outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw new ErasureIncompleteError(deleted, failure.reason);
      if (page.next === undefined) return { deleted, complete: true };
      after = page.next;
    }
    return { deleted, complete: false };
  }

  /** Sort keys of a visitor's items from the keys-only index, newest first. */
  private async visitorSortKeys(key: string, limit: number, after: string | undefined): Promise<{ sortKeys: string[]; next?: string }> {
    const { name, partitionKey, sortKey } = VISITS_TABLE.visitorIndex;
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: name,
        KeyConditionExpression: '#visitorKey = :visitorKey',
        ExpressionAttributeNames: { '#visitorKey': partitionKey },
        ExpressionAttributeValues: { ':visitorKey': key },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after === undefined ? undefined : { [partitionKey]: key, [sortKey]: after, pk: this.partitionKey },
      }),
    );
    const sortKeys = (page.Items ?? []).map((item) => String(item.sk));
    return page.LastEvaluatedKey ? { sortKeys, next: String(page.LastEvaluatedKey.sk) } : { sortKeys };
  }

  /** The items of this tenant at the given sort keys (absent ones are left out), by sort key. */
  private async itemsAt(sortKeys: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let keys: Array<Record<string, unknown>> = sortKeys.map((sk) => ({ pk: this.partitionKey, sk }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) throw new Error(`${keys.length} visits could not be read (throttled)`);
      if (attempt > 0) await sleep(backoffDelay(attempt, BATCH_GET_BACKOFF));
      const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(String(item.sk), item);
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  /** Deletes this tenant's item at the sort key if it is the visitor's; false when it is not there (any more). */
  private async deleteVisitorItem(sortKey: string, key: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: this.partitionKey, sk: sortKey },
          ConditionExpression: '#visitorKey = :visitorKey',
          ExpressionAttributeNames: { '#visitorKey': VISITS_TABLE.visitorIndex.partitionKey },
          ExpressionAttributeValues: { ':visitorKey': key },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** What visitSortKey builds: a position a client hands back must be one, or the query would be malformed. */
const VISIT_SORT_KEY = new RegExp(`^${VISIT_SORT_KEY_PREFIX}\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#[0-9A-Za-z-]{1,64}$`);
const isVisitSortKey = (text: string) => VISIT_SORT_KEY.test(text);

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
