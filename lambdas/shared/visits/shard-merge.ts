/**
 * Where a listing over several partitions (shards) stands. Sort keys are unique across a tenant's
 * shards (they end with the visit id) and the merge emits them in one total order, newest first, so
 * every shard still open continues strictly below the same sort key: the last one returned, or the
 * lowest point every shard has been read down to. A shard is closed once its query ended and all it
 * returned was emitted; a closed shard is not queried again.
 */
export interface ShardPosition {
  /** Continue strictly below this sort key; undefined: from the top of the window. */
  readonly below: string | undefined;
  /** Per shard, in a fixed order: false once it is exhausted. */
  readonly open: readonly boolean[];
}

export interface ShardPage {
  /** Matching items, newest first (descending sort key). */
  readonly items: ReadonlyArray<{ readonly sortKey: string; readonly item: Record<string, unknown> }>;
  /** The last sort key the query evaluated (DynamoDB's LastEvaluatedKey); undefined when the shard is exhausted. */
  readonly lastEvaluated: string | undefined;
}

export type QueryShard = (shard: number, below: string | undefined, limit: number) => Promise<ShardPage>;

export interface MergedPage {
  readonly items: Array<Record<string, unknown>>;
  /** Absent when every shard is exhausted. */
  readonly next?: ShardPosition;
}

/**
 * One round of a k-way merge: queries every open shard in parallel (each for about twice its share of
 * `wanted`, not `wanted` each, which would read k times what a page returns), then emits, newest first,
 * only what is certainly next: items at or above the highest point any shard stopped reading at, since
 * below it that shard may hold items not read yet. The page may come back short; the position says
 * where to continue.
 */
export async function mergeShardPages(position: ShardPosition, wanted: number, queryShard: QueryShard): Promise<MergedPage> {
  const openShards = position.open.flatMap((open, shard) => (open ? [shard] : []));
  const perShard = Math.min(wanted, Math.ceil((2 * wanted) / openShards.length));
  const pages = await Promise.all(openShards.map((shard) => queryShard(shard, position.below, perShard)));

  // Every shard has been read down to its lastEvaluated (or entirely): all items at or above the highest of those are known.
  const frontier = pages.reduce<string | undefined>(
    (highest, page) => (page.lastEvaluated !== undefined && (highest === undefined || page.lastEvaluated > highest) ? page.lastEvaluated : highest),
    undefined,
  );
  const known = pages
    .flatMap((page) => page.items)
    .filter((entry) => frontier === undefined || entry.sortKey >= frontier)
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
  const emitted = known.slice(0, wanted);

  const below = emitted.length === wanted ? emitted.at(-1)!.sortKey : frontier;
  if (below === undefined) return { items: emitted.map((entry) => entry.item) };
  const open = [...position.open];
  openShards.forEach((shard, i) => {
    const page = pages[i]!;
    open[shard] = page.lastEvaluated !== undefined || page.items.some((entry) => entry.sortKey < below);
  });
  const items = emitted.map((entry) => entry.item);
  return open.includes(true) ? { items, next: { below, open } } : { items };
}
