import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseOpenError, MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { testDatabase } from '../../support/maxmind-test-data.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'mmdb-open-'));
const scratchFile = (name: string, contents: Buffer | string) => {
  const file = path.join(scratch, name);
  writeFileSync(file, contents);
  return file;
};

describe('MmdbDatabase.open', () => {
  it.each([
    ['a missing file', path.join(scratch, 'absent.mmdb'), /cannot read the MMDB database at .*absent\.mmdb: ENOENT/],
    ['an empty file', scratchFile('empty.mmdb', ''), /not a usable MaxMind DB file: no MaxMind DB metadata marker/],
    ['a text file', scratchFile('text.mmdb', 'hello, this is not a database'), /not a usable MaxMind DB file/],
    ['a database with a wrong node count', testDatabase('GeoIP2-City-Test-Invalid-Node-Count'), /the node count does not match the file size/],
    ['a database whose tree points outside its data', testDatabase('MaxMind-DB-test-broken-pointers-24'), /points outside the data section/],
    [
      'a truncated database',
      scratchFile('truncated.mmdb', Buffer.concat([readFileSync(testDatabase('GeoLite2-ASN-Test')).subarray(0, 4000), readFileSync(testDatabase('GeoLite2-ASN-Test')).subarray(-400)])),
      /not a usable MaxMind DB file/,
    ],
  ])('fails at once, naming the file and the problem, for %s', (_, file, message) => {
    let thrown: unknown;
    try {
      MmdbDatabase.open(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DatabaseOpenError);
    expect((thrown as Error).message).toMatch(message);
  });

  // MaxMind's documented test trees: ipv4 holds 1.1.1.1/32, 1.1.1.2/31, 1.1.1.4/30, 1.1.1.8/29,
  // 1.1.1.16/28, 1.1.1.32/32; ipv6 holds five networks; mixed holds both, the IPv4 ones also
  // reachable through the ::ffff:0:0/96 and 2002::/16 aliases (counted once).
  it.each([
    ['MaxMind-DB-test-ipv4-24', 4, 6],
    ['MaxMind-DB-test-ipv4-28', 4, 6],
    ['MaxMind-DB-test-ipv4-32', 4, 6],
    ['MaxMind-DB-test-ipv6-24', 6, 5],
    ['MaxMind-DB-test-ipv6-32', 6, 5],
    ['MaxMind-DB-test-mixed-24', 6, 11],
    ['MaxMind-DB-test-mixed-28', 6, 11],
    ['MaxMind-DB-test-mixed-32', 6, 11],
  ])('counts the networks of %s (ip_version %s): %s', (name, ipVersion, count) => {
    expect(MmdbDatabase.open(testDatabase(name)).info).toMatchObject({ ipVersion, recordCount: count, type: 'Test' });
  });

  it('finds the most specific network of an address, and nothing outside the data', () => {
    const database = MmdbDatabase.open(testDatabase('MaxMind-DB-test-ipv4-24'));
    expect(database.lookup(parseIpAddress('1.1.1.3')!)).toEqual({ record: { ip: '1.1.1.2' }, prefixLength: 31 });
    expect(database.lookup(parseIpAddress('1.1.1.33')!)).toBeUndefined();
    // An IPv4-only tree has no answer for IPv6.
    expect(database.lookup(parseIpAddress('2001:200::1')!)).toBeUndefined();
  });
});
