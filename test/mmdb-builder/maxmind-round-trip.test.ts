// Builds MMDBs from MaxMind's own source JSON with our writer and checks that, through the `maxmind`
// reader, they answer exactly like MaxMind's published test databases built from the same JSON.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Reader, type Response, open } from 'maxmind';
import { buildDatabase } from '../../tools/mmdb-builder/build-database.js';
import { maxmindSourceData, testDatabase, networkBounds, queryForms, randomBetween, seededRandom, temporaryDirectory } from './helpers.js';

const ROUND_TRIP_DATABASES = [
  'GeoLite2-ASN',
  'GeoIP2-ISP',
  'GeoIP2-Enterprise',
  'GeoIP2-Domain',
  'GeoIP2-Connection-Type',
] as const;

const MAX_TREE_POSITION = (1n << 128n) - 1n;
const temp = temporaryDirectory();
afterAll(temp.remove);

describe.each(ROUND_TRIP_DATABASES)('%s built from its source JSON', (name) => {
  const source = maxmindSourceData(`${name}-Test`);
  const networks = (JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>[]).flatMap((entry) => Object.keys(entry));
  let ours: Reader<Response>;
  let theirs: Reader<Response>;

  beforeAll(async () => {
    const output = path.join(temp.dir, `${name}.mmdb`);
    await buildDatabase({
      inputs: [{ path: source }],
      output,
      databaseType: name,
      description: { en: `${name} round-trip test` },
      languages: ['en'],
      buildEpoch: 1_700_000_000n,
    });
    ours = await open(output);
    theirs = await open(testDatabase(`${name}-Test`));
  });

  it('answers like MaxMind for the first, last and a random address of every network, in every notation', () => {
    const random = seededRandom(name.length * 7919);
    let compared = 0;
    for (const cidr of networks) {
      const { first, last } = networkBounds(cidr);
      for (const position of [first, last, randomBetween(random, first, last)]) {
        for (const ip of queryForms(position)) {
          const expected = theirs.get(ip);
          expect(expected, `MaxMind's file has ${cidr} at ${ip}`).not.toBeNull();
          expect(ours.get(ip), `${cidr} at ${ip}`).toEqual(expected);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(networks.length * 3);
  });

  it('answers like MaxMind just outside every network, including "not found"', () => {
    let notFound = 0;
    for (const cidr of networks) {
      const { first, last } = networkBounds(cidr);
      for (const position of [first - 1n, last + 1n]) {
        if (position < 0n || position > MAX_TREE_POSITION) continue;
        for (const ip of queryForms(position)) {
          const expected = theirs.get(ip);
          if (expected === null) notFound++;
          expect(ours.get(ip), `next to ${cidr} at ${ip}`).toEqual(expected);
        }
      }
    }
    expect(notFound).toBeGreaterThan(0);
    for (const ip of ['0.0.0.1', '255.255.255.254', '::ffff:255.255.255.254', 'fe80::1', 'ffff::1']) {
      expect(theirs.get(ip)).toBeNull();
      expect(ours.get(ip)).toBeNull();
    }
  });

  it('is no larger than 1.25 times MaxMind\'s file', () => {
    const ourSize = statSync(path.join(temp.dir, `${name}.mmdb`)).size;
    const theirSize = statSync(testDatabase(`${name}-Test`)).size;
    expect(ourSize).toBeLessThanOrEqual(theirSize * 1.25);
  });
});
