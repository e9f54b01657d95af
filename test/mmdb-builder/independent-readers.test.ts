// Cross-checks our files with readers that share no code with ours or with the `maxmind` package:
// libmaxminddb's mmdblookup (C) and Debian's python3-maxminddb C extension. `npm test` installs both
// (bin/ensure-system-deps.sh); without them these tests fail rather than skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDatabase } from '../../tools/mmdb-builder/build-database.js';
import { MmdbWriter } from '../../tools/mmdb-builder/mmdb-writer.js';
import { MmdbNumber } from '../../tools/mmdb-builder/mmdb-value.js';
import {
  TEST_WRITER_OPTIONS,
  maxmindSourceData,
  testDatabase,
  networkBounds,
  queryForms,
  randomBetween,
  seededRandom,
  temporaryDirectory,
} from './helpers.js';

const DATABASES = ['GeoLite2-ASN', 'GeoIP2-ISP', 'GeoIP2-Enterprise', 'GeoIP2-Domain', 'GeoIP2-Connection-Type'];
const SAMPLE_NETWORKS_PER_DATABASE = 12;
const PYTHON = '/usr/bin/python3';

const temp = temporaryDirectory();
afterAll(temp.remove);

interface Pair {
  readonly ours: string;
  readonly theirs: string;
  readonly ips: readonly string[];
}
const pairs: Pair[] = [];

/** A seeded sample of addresses in, at the edges of and just outside the database's networks. */
function sampleAddresses(name: string): string[] {
  const source = maxmindSourceData(`${name}-Test`);
  const networks = (JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>[]).flatMap((entry) => Object.keys(entry));
  const random = seededRandom(name.length * 104_729);
  const ips: string[] = [];
  for (let i = 0; i < SAMPLE_NETWORKS_PER_DATABASE; i++) {
    const { first, last } = networkBounds(networks[Math.floor(random() * networks.length)]!);
    for (const position of [first, last, randomBetween(random, first, last), last + 1n]) ips.push(...queryForms(position));
  }
  return ips;
}

beforeAll(async () => {
  for (const name of DATABASES) {
    const ours = path.join(temp.dir, `${name}.mmdb`);
    await buildDatabase({
      inputs: [{ path: maxmindSourceData(`${name}-Test`) }],
      output: ours,
      databaseType: name,
      description: { en: `${name} cross-check` },
      languages: ['en'],
      buildEpoch: 1_700_000_000n,
    });
    pairs.push({ ours, theirs: testDatabase(`${name}-Test`), ips: sampleAddresses(name) });
  }
});

describe('libmaxminddb (mmdblookup)', () => {
  const lookup = (file: string, ip: string) => {
    const result = spawnSync('mmdblookup', ['--file', file, '--ip', ip], { encoding: 'utf8' });
    if (result.error) throw new Error(`mmdblookup is not installed (apt-get install mmdb-bin): ${result.error.message}`);
    return { status: result.status, output: result.stdout + result.stderr };
  };

  it('prints the same records, with the same types, as for MaxMind\'s files', () => {
    let found = 0;
    for (const { ours, theirs, ips } of pairs) {
      // One process per lookup: every third address of the sample keeps this to a few seconds.
      for (const ip of ips.filter((_, i) => i % 3 === 0)) {
        const expected = lookup(theirs, ip);
        expect(lookup(ours, ip), `${path.basename(ours)} ${ip}`).toEqual(expected);
        if (expected.status === 0) found++;
      }
    }
    expect(found).toBeGreaterThan(50);
  }, 60_000);

  it('reads every data type with its declared type', () => {
    const writer = new MmdbWriter(TEST_WRITER_OPTIONS);
    writer.insertNetwork(0xc000_0200n, 120, {
      u16: new MmdbNumber('uint16', 65_535),
      u32: new MmdbNumber('uint32', 4_294_967_295),
      i32: new MmdbNumber('int32', -7),
      u64: new MmdbNumber('uint64', 2n ** 64n - 1n),
      u128: new MmdbNumber('uint128', 2n ** 128n - 1n),
      dbl: new MmdbNumber('double', 51.5),
      flt: new MmdbNumber('float', 1.5),
      yes: true,
      list: ['a', {}],
    });
    const file = path.join(temp.dir, 'types.mmdb');
    writeFileSync(file, writer.toBuffer().bytes);
    const output = execFileSync('mmdblookup', ['--file', file, '--ip', '192.0.2.1'], { encoding: 'utf8' });
    for (const line of [
      '65535 <uint16>',
      '4294967295 <uint32>',
      '-7 <int32>',
      '18446744073709551615 <uint64>',
      '0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF <uint128>',
      '51.500000 <double>',
      '1.500000 <float>',
      'true <boolean>',
      '"a" <utf8_string>',
    ]) {
      expect(output).toContain(line);
    }
  });
});

describe('python3-maxminddb C extension', () => {
  it('opens our files in MODE_MMAP_EXT and returns the same records as for MaxMind\'s files', () => {
    const script = `
import json, sys, maxminddb
result = []
for pair in json.load(sys.stdin):
    ours = maxminddb.open_database(pair['ours'], maxminddb.MODE_MMAP_EXT)
    theirs = maxminddb.open_database(pair['theirs'], maxminddb.MODE_MMAP_EXT)
    for ip in pair['ips']:
        result.append([ip, ours.get(ip), theirs.get(ip)])
    result.append(['metadata', ours.metadata().database_type, ours.metadata().record_size])
json.dump(result, sys.stdout)
`;
    const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(pairs), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as [string, unknown, unknown][];
    let found = 0;
    for (const [ip, ours, theirs] of rows.filter(([ip]) => ip !== 'metadata')) {
      expect(ours, ip).toEqual(theirs);
      if (theirs !== null) found++;
    }
    expect(found).toBeGreaterThan(100);
    expect(rows.filter(([ip]) => ip === 'metadata').map(([, type]) => type)).toEqual(DATABASES);
  });
});
