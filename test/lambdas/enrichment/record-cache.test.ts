import { describe, expect, it } from 'vitest';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { BoundedRecordCache } from '../../../lambdas/shared/enrichment/record-cache.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { testDatabase } from '../../support/maxmind-test-data.js';

describe('BoundedRecordCache', () => {
  it('keeps at most its bound, dropping the oldest entry first', () => {
    const cache = new BoundedRecordCache(2);
    const [a, b, c] = [{ n: 1 }, { n: 2 }, { n: 3 }];
    cache.set(10, a);
    cache.set(20, b);
    cache.set(30, c);
    expect([cache.get(10), cache.get(20), cache.get(30)]).toEqual([undefined, b, c]);
  });
});

describe('MmdbDatabase record reuse', () => {
  it('hands out the same decoded record for two addresses of one network, so per-record work is done once', () => {
    const database = MmdbDatabase.open(testDatabase('GeoLite2-ASN-Test'));
    const first = database.lookup(parseIpAddress('1.128.0.1')!);
    const second = database.lookup(parseIpAddress('1.128.0.2')!);
    expect(first?.record).toBeDefined();
    expect(second?.record).toBe(first?.record);
  });
});
