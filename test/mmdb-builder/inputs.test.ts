import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { open } from 'maxmind';
import { type BuildDatabaseOptions, buildDatabase } from '../../tools/mmdb-builder/build-database.js';
import { parseTreeAddress, parseTreeNetwork } from '../../tools/mmdb-builder/tree-address.js';
import { TEST_WRITER_OPTIONS, addressValue, temporaryDirectory } from './helpers.js';

const temp = temporaryDirectory();
afterAll(temp.remove);

async function buildFrom(fileName: string, contents: string, options: Partial<BuildDatabaseOptions> & { columns?: string[] } = {}) {
  const input = path.join(temp.dir, fileName);
  writeFileSync(input, contents);
  const output = path.join(temp.dir, `${fileName}.mmdb`);
  const { columns, ...rest } = options;
  const statistics = await buildDatabase({ ...TEST_WRITER_OPTIONS, inputs: [{ path: input, ...(columns ? { columns } : {}) }], output, ...rest });
  return { reader: await open(output), statistics };
}

describe('IP address parsing', () => {
  it.each([
    '0.0.0.0',
    '255.255.255.255',
    '192.0.2.1',
    '::',
    '::1',
    '2001:db8::',
    '2001:db8:0:0:1:0:0:1',
    'fe80::1:2',
    '::ffff:192.0.2.1',
    '::192.0.2.1',
    '64:ff9b::192.0.2.1',
    '1:2:3:4:5:6:7::',
    'FFFF:ffff:FFFF:ffff:FFFF:ffff:FFFF:ffff',
  ])('parses %s like the URL parser does', (text) => {
    expect(parseTreeAddress(text)?.value).toBe(addressValue(text));
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.-1', ' 1.2.3.4', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '::1.2.3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8::'])(
    'rejects %j',
    (text) => {
      expect(parseTreeAddress(text)).toBeUndefined();
    },
  );

  it('parses CIDRs into tree prefix lengths and clears host bits', () => {
    expect(parseTreeNetwork('192.0.2.77/24')).toEqual({ address: { family: 4, value: 0xc000_0200n }, treePrefixLength: 120 });
    expect(parseTreeNetwork('::192.0.2.0/120')?.treePrefixLength).toBe(120);
    expect(parseTreeNetwork('2001:db8::/32')?.treePrefixLength).toBe(32);
    for (const bad of ['192.0.2.0', '192.0.2.0/33', '2001:db8::/129', '192.0.2.0/-1', '192.0.2.0/ 8', 'x/8']) {
      expect(parseTreeNetwork(bad)).toBeUndefined();
    }
  });
});

describe('CSV input', () => {
  it('reads a typed header with nested fields, quoted commas and escaped quotes, ranges of both families', async () => {
    const { reader } = await buildFrom(
      'companies.csv',
      [
        'start,end,company.name,company.domain,autonomous_system_number,company.employees:uint32,is_hosting,score:float',
        '192.0.2.0,192.0.2.255,"Cloudflare, Inc.",cloudflare.com,13335,4000,true,0.5',
        '198.51.100.10,198.51.100.20,"LLC ""SPUTNIK""",,64512,,0,',
        '2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,Example BV,example.nl,64513,12,false,1.25',
      ].join('\r\n'),
    );
    expect(reader.get('192.0.2.128')).toEqual({
      company: { name: 'Cloudflare, Inc.', domain: 'cloudflare.com', employees: 4000 },
      autonomous_system_number: 13335,
      is_hosting: true,
      score: 0.5,
    });
    // Empty cells leave the field out.
    expect(reader.get('198.51.100.15')).toEqual({ company: { name: 'LLC "SPUTNIK"' }, autonomous_system_number: 64512, is_hosting: false });
    expect(reader.get('198.51.100.21')).toBeNull();
    expect(reader.get('2001:db8:1234::1')).toEqual({
      company: { name: 'Example BV', domain: 'example.nl', employees: 12 },
      autonomous_system_number: 64513,
      is_hosting: false,
      score: 1.25,
    });
  });

  it('reads a network column, a byte order mark, blank lines and a quoted field spanning lines', async () => {
    const { reader } = await buildFrom(
      'networks.csv',
      '\ufeffnetwork,note\n\n10.0.0.0/8,"first\nsecond"\n2001:db8::/32,plain\n',
    );
    expect(reader.get('10.1.2.3')).toEqual({ note: 'first\nsecond' });
    expect(reader.get('2001:db8::1')).toEqual({ note: 'plain' });
  });

  it('reads a CSV without a header when the columns are given (the default data\'s layout)', async () => {
    const { reader, statistics } = await buildFrom(
      'asn.csv',
      '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n',
      { columns: ['ip_range_start', 'ip_range_end', 'autonomous_system_number:uint32', 'autonomous_system_organization'] },
    );
    expect(reader.get('1.0.5.1')).toEqual({ autonomous_system_number: 38803, autonomous_system_organization: 'Gtelecom Pty Ltd' });
    expect(reader.get('::ffff:1.0.0.1')).toEqual({ autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' });
    expect(statistics.records).toBe(2);
  });

  it('writes byte-identical files when built twice from the same input', async () => {
    const input = path.join(temp.dir, 'twice.csv');
    writeFileSync(input, 'network,name,autonomous_system_number\n192.0.2.0/24,A,1\n2001:db8::/32,B,2\n198.51.100.0/25,A,1\n');
    const build = async (output: string) => {
      await buildDatabase({ ...TEST_WRITER_OPTIONS, inputs: [{ path: input }], output });
      return readFileSync(output);
    };
    const first = await build(path.join(temp.dir, 'twice-1.mmdb'));
    const second = await build(path.join(temp.dir, 'twice-2.mmdb'));
    expect(first.length).toBeGreaterThan(100);
    expect(first.equals(second)).toBe(true);
  });

  it('lets a later input override the very same network of an earlier one', async () => {
    const base = path.join(temp.dir, 'base.csv');
    const overrides = path.join(temp.dir, 'overrides.json');
    writeFileSync(base, 'network,name\n192.0.2.0/24,Base\n192.0.2.0/25,Base half\n');
    writeFileSync(overrides, JSON.stringify([{ '192.0.2.0/24': { name: 'Override' } }]));
    const output = path.join(temp.dir, 'layered.mmdb');
    await buildDatabase({ ...TEST_WRITER_OPTIONS, inputs: [{ path: base }, { path: overrides }], output });
    const reader = await open(output);
    expect(reader.get('192.0.2.200')).toEqual({ name: 'Override' });
    expect(reader.get('192.0.2.1')).toEqual({ name: 'Base half' }); // the more specific network still wins
  });
});

describe('MaxMind source JSON input', () => {
  it('types numbers by field name, with --type overrides by key or dotted path', async () => {
    const { reader } = await buildFrom(
      'typed.json',
      JSON.stringify([
        { '::192.0.2.0/120': { location: { latitude: 52, accuracy_radius: 5 }, rank: 3, weight: 0.1, nested: { rank: 4 } } },
        { '2001:db8::/32': { autonomous_system_number: 64500, is_anycast: true } },
      ]),
      { typeOverrides: { rank: 'uint16', weight: 'float', 'nested.rank': 'int32' } },
    );
    expect(reader.get('192.0.2.1')).toEqual({
      location: { latitude: 52, accuracy_radius: 5 },
      rank: 3,
      weight: Math.fround(0.1),
      nested: { rank: 4 },
    });
    expect(reader.get('2001:db8::5')).toEqual({ autonomous_system_number: 64500, is_anycast: true });
  });
});
