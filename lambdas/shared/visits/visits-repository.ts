import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../tenants/tenant-id.js';
import {
  DEFAULT_VISIT_SHARDS,
  MAX_VISIT_SHARDS,
  VISITS_TABLE,
  VISIT_SORT_KEY_PREFIX,
  allTenantPartitionKeys,
  tenantPartitionKey,
  visitPartitionKey,
  visitShard,
  visitSortKey,
  visitSortKeyBound,
  visitorKey,
} from './table-schema.js';
import type { Visit } from './visit.js';
import { backoffDelay, sleep, type Backoff } from '../retry/backoff.js';
import { mergeShardPages, type ShardPage, type ShardPosition } from './shard-merge.js';

export interface VisitsRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Every key this repository reads or writes is built from this tenant id and no other. */
  readonly tenantId: string;
  /** Partition keys a tenant's visits are spread over (see DEFAULT_VISIT_SHARDS). @default DEFAULT_VISIT_SHARDS */
  readonly shards?: number;
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

/** At most this many rounds of (parallel, one per shard) queries per page, so a selective site filter cannot make one request unbounded. */
const MAX_ROUNDS_PER_PAGE = 5;

/**
 * Data access for one tenant's visits. The tenant is fixed at construction and every key is built
 * from it, so no argument of any method can reach another tenant's partition.
 *
 * A visit is written to one of the tenant's shards (partition keys), chosen from its id. Listing
 * queries every shard — and the partition of the unsharded layout, which holds visits written before
 * sharding until they expire — in parallel, newest first over the sort-key range of the time window,
 * and merges them by time (see shard-merge.ts). The optional site is a filter, not an index: sites of
 * one tenant share its partitions, which keeps one GSI (by visitor) on the table; a page may therefore
 * take several rounds of queries (bounded above) and, as with any DynamoDB filter, a page can come
 * back short with a position to continue from.
 *
 * A data subject's visits are found through the byVisitor index, whose partition key embeds the
 * tenant and the visitor's pseudonym; items are then read and deleted by their base-table key, which
 * must be one of this tenant's partitions, and every delete is conditional on the pseudonym, so neither access
 * nor erasure can reach another tenant's or another visitor's item. The index is eventually
 * consistent: a visit recorded a moment ago may be found only on the next call.
 */
export class VisitsRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly shards: number;
  /** What a listing reads, in this order (the order of a position's flags): the unsharded layout, then the shards. */
  private readonly listedPartitions: readonly string[];
  /** Every partition key this tenant's items can have: the only base-table keys the visitor methods touch. */
  private readonly ownPartitions: ReadonlySet<string>;
  readonly tenantId: string;

  constructor({ client, tableName, tenantId, shards = DEFAULT_VISIT_SHARDS }: VisitsRepositoryOptions) {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_VISIT_SHARDS) throw new Error(`shards must be a whole number from 1 to ${MAX_VISIT_SHARDS}`);
    this.client = client;
    this.tableName = tableName;
    this.tenantId = tenantId;
    this.shards = shards;
    this.listedPartitions = [tenantPartitionKey(tenantId), ...Array.from({ length: shards }, (_, shard) => visitPartitionKey(tenantId, shard))];
    this.ownPartitions = new Set(allTenantPartitionKeys(tenantId));
  }

  /**
   * Stores a new visit; never overwrites an existing item. When the SDK retries a put whose first
   * attempt was applied but whose answer was lost (a 500, a timeout), the condition fails on the
   * visit's own earlier copy: that is the same visit stored once, not a conflict.
   */
  async add(visit: Visit, visitorPseudonym: string): Promise<void> {
    const item = {
      pk: visitPartitionKey(this.tenantId, visitShard(visit.visitId, this.shards)),
      sk: visitSortKey(visit.visitedAt, visit.visitId),
      visitorKey: visitorKey(this.tenantId, visitorPseudonym),
      tenantId: this.tenantId,
      ...visit,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // Visit ids are random UUIDs: an item at the same key with the same visitor and page is this visit.
        const old = error.Item;
        if (old?.visitorKey?.S === item.visitorKey && old.pageUrl?.S === item.pageUrl && old.siteId?.S === item.siteId) return;
        throw new VisitAlreadyExistsError();
      }
      throw error;
    }
  }

  async list(query: VisitWindowQuery): Promise<VisitPage> {
    const lower = visitSortKeyBound(query.from);
    const upper = visitSortKeyBound(query.to); // a visit at exactly `to` sorts after it: excluded
    let position: ShardPosition =
      query.after === undefined ? { below: undefined, open: this.listedPartitions.map(() => true) } : this.positionFrom(query.after, lower, upper);
    const filters = ['#expiresAt > :now'];
    const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk', '#expiresAt': 'expiresAt' };
    const values: Record<string, unknown> = {
      ':lower': lower,
      ':upper': upper,
      ':now': Math.floor(query.now.getTime() / 1000),
    };
    if (query.siteId !== undefined) {
      filters.push('#siteId = :siteId');
      names['#siteId'] = 'siteId';
      values[':siteId'] = query.siteId;
    }

    const queryShard = async (shard: number, below: string | undefined, limit: number): Promise<ShardPage> => {
      const pk = this.listedPartitions[shard]!;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':pk': pk },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: below === undefined ? undefined : { pk, sk: below },
        }),
      );
      const items = page.Items ?? [];
      return { items: items.map((item) => ({ sortKey: String(item.sk), item })), lastEvaluated: page.LastEvaluatedKey && String(page.LastEvaluatedKey.sk) };
    };

    const visits: Visit[] = [];
    for (let round = 0; round < MAX_ROUNDS_PER_PAGE && visits.length < query.limit; round++) {
      const merged = await mergeShardPages(position, query.limit - visits.length, queryShard);
      visits.push(...merged.items.map(visitFromItem));
      if (!merged.next) return { visits };
      position = merged.next;
    }
    return { visits, next: this.positionText(position) };
  }

  /** A position as a client carries it (inside the signed cursor): `<sort key>|<one 0/1 flag per listed partition>`. */
  private positionText(position: ShardPosition): string {
    return `${position.below}|${position.open.map((open) => (open ? '1' : '0')).join('')}`;
  }

  private positionFrom(text: string, lower: string, upper: string): ShardPosition {
    const separator = text.lastIndexOf('|');
    const below = text.slice(0, separator);
    const flags = text.slice(separator + 1);
    const valid =
      separator > 0 &&
      below.startsWith(VISIT_SORT_KEY_PREFIX) &&
      below >= lower &&
      below < upper &&
      flags.length === this.listedPartitions.length && // another shard count (a deployment changed it): refused
      /^[01]+$/.test(flags);
    if (!valid) throw new InvalidPositionError();
    return { below, open: [...flags].map((flag) => flag === '1') };
  }

  /**
   * One data subject's visits, newest first, a page at a time (an access request). Visits past
   * `expiresAt` that DynamoDB's TTL has not removed yet are included: they are still held.
   */
  async listByVisitor(visitorPseudonym: string, query: VisitorPageQuery): Promise<VisitPage> {
    if (query.after !== undefined && !isVisitSortKey(query.after)) throw new InvalidPositionError();
    const key = visitorKey(this.tenantId, visitorPseudonym);
    const page = await this.visitorSortKeys(key, Math.min(query.limit, MAX_VISITOR_PAGE_SIZE), query.after);
    const items = await this.itemsAt(page.keys);
    const visits = page.keys
      .map(({ sk }) => items.get(sk))
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
      examined += page.keys.length;
      const outcomes = await Promise.allSettled(page.keys.map((itemKey) => this.deleteVisitorItem(itemKey, key)));
      deleted += outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw new ErasureIncompleteError(deleted, failure.reason);
      if (page.next === undefined) return { deleted, complete: true };
      after = page.next;
    }
    return { deleted, complete: false };
  }

  /** Base-table keys of a visitor's items from the keys-only index, newest first. */
  private async visitorSortKeys(key: string, limit: number, after: string | undefined): Promise<{ keys: ItemKey[]; next?: string }> {
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
        // The index sort key (time and visit id) is unique per visitor: any base-table key of this tenant completes the start key.
        ExclusiveStartKey: after === undefined ? undefined : { [partitionKey]: key, [sortKey]: after, pk: tenantPartitionKey(this.tenantId) },
      }),
    );
    const keys = (page.Items ?? [])
      .map((item) => ({ pk: String(item.pk), sk: String(item.sk) }))
      // Cannot happen (the index key embeds this tenant); checked because these keys are read and deleted.
      .filter((itemKey) => this.ownPartitions.has(itemKey.pk));
    return page.LastEvaluatedKey ? { keys, next: String(page.LastEvaluatedKey.sk) } : { keys };
  }

  /** The items of this tenant at the given keys (absent ones are left out), by sort key. */
  private async itemsAt(itemKeys: readonly ItemKey[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let keys: Array<Record<string, unknown>> = itemKeys.map(({ pk, sk }) => ({ pk, sk }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) throw new Error(`${keys.length} visits could not be read (throttled)`);
      if (attempt > 0) await sleep(backoffDelay(attempt, BATCH_GET_BACKOFF));
      const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(String(item.sk), item);
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  /** Deletes this tenant's item at the key if it is the visitor's; false when it is not there (any more). */
  private async deleteVisitorItem(itemKey: ItemKey, key: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: itemKey.pk, sk: itemKey.sk },
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

interface ItemKey {
  readonly pk: string;
  readonly sk: string;
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
