import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeShardPages, type QueryShard, type ShardPosition } from '../../../lambdas/shared/visits/shard-merge.js';

/**
 * The merge against in-memory shards that answer like a DynamoDB Query (descending, Limit counts
 * evaluated items, a filter drops some of them, LastEvaluatedKey when the limit stopped the read):
 * whatever the spread over shards, the filter and the page size, paging yields every matching item
 * once, in order. DynamoDB Local runs the same merge in visits-repository.test.ts.
 */
function inMemoryShards(shards: string[][], matches: (sortKey: string) => boolean): QueryShard {
  return async (shard, below, limit) => {
    const evaluated = shards[shard]!.filter((sortKey) => below === undefined || sortKey < below).sort().reverse().slice(0, limit);
    return {
      items: evaluated.filter(matches).map((sortKey) => ({ sortKey, item: { sortKey } })),
      lastEvaluated: evaluated.length === limit ? evaluated.at(-1) : undefined,
    };
  };
}

describe('mergeShardPages', () => {
  it('pages through any spread of items over shards in order, without gaps or repeats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 99_999 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        async (keys, shardCount, limit, keepEvery, seed) => {
          const sortKeys = keys.map((key) => `VISIT#${String(key).padStart(5, '0')}`);
          const shards = Array.from({ length: shardCount }, () => [] as string[]);
          sortKeys.forEach((sortKey, i) => shards[Math.abs(seed + i * 7919) % shardCount]!.push(sortKey));
          const matches = (sortKey: string) => Number(sortKey.slice(6)) % keepEvery === 0;
          const query = inMemoryShards(shards, matches);

          const seen: string[] = [];
          let position: ShardPosition | undefined = { below: undefined, open: shards.map(() => true) };
          for (let rounds = 0; position && rounds < 500; rounds++) {
            const page = await mergeShardPages(position, limit, query);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((item) => String(item.sortKey)));
            position = page.next;
          }
          expect(position).toBeUndefined();
          expect(seen).toEqual(sortKeys.filter(matches).sort().reverse());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not query a shard again once it is exhausted', async () => {
    const asked: number[] = [];
    const shards = [['VISIT#3', 'VISIT#2', 'VISIT#1'], []];
    const query = inMemoryShards(shards, () => true);
    const first = await mergeShardPages({ below: undefined, open: [true, true] }, 2, async (shard, below, limit) => (asked.push(shard), query(shard, below, limit)));
    expect(first.next).toEqual({ below: 'VISIT#2', open: [true, false] });
    asked.length = 0;
    await mergeShardPages(first.next!, 2, async (shard, below, limit) => (asked.push(shard), query(shard, below, limit)));
    expect(asked).toEqual([0]);
  });
});
