import { describe, expect, it } from 'vitest';
import { Reader } from 'maxmind';
import { MmdbWriter } from '../../tools/mmdb-builder/mmdb-writer.js';
import { type MmdbValue, MmdbNumber } from '../../tools/mmdb-builder/mmdb-value.js';
import { chooseRecordSize } from '../../tools/mmdb-builder/serialize-tree.js';
import { TEST_WRITER_OPTIONS, buildInMemory } from './helpers.js';

const uint32 = (value: number) => new MmdbNumber('uint32', value);

describe('data section: every type decodes through the maxmind reader', () => {
  const longString = 'x'.repeat(70_000) + 'ü'; // > 65,821 bytes: the 3-byte size form
  const record = {
    string: 'Straße 東京',
    empty_string: '',
    string_29: 'y'.repeat(100), // 1-byte size form
    string_285: 'z'.repeat(1000), // 2-byte size form
    long_string: longString,
    double: new MmdbNumber('double', -12.345678901234),
    float: new MmdbNumber('float', 1.1),
    uint16_max: new MmdbNumber('uint16', 65_535),
    uint32_max: new MmdbNumber('uint32', 4_294_967_295),
    uint32_zero: new MmdbNumber('uint32', 0),
    int32_min: new MmdbNumber('int32', -2_147_483_648),
    int32_minus_one: new MmdbNumber('int32', -1),
    int32_max: new MmdbNumber('int32', 2_147_483_647),
    uint64_max: new MmdbNumber('uint64', 2n ** 64n - 1n),
    uint128_max: new MmdbNumber('uint128', 2n ** 128n - 1n),
    uint128_small: new MmdbNumber('uint128', 5n),
    yes: true,
    no: false,
    bytes: new Uint8Array([0, 1, 254, 255]),
    empty_map: {},
    empty_array: [],
    big_array: Array.from({ length: 300 }, (_, i) => new MmdbNumber('uint16', i)),
    nested: { list: [{ a: 'b' }, ['c', { d: new MmdbNumber('double', 0.5) }]] },
    wide_map: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, `value${i}`])),
  } satisfies MmdbValue;

  it('returns each value as written (float rounded to binary32, uint64/uint128 as bigint)', () => {
    const { reader } = buildInMemory([['1.2.3.0/24', record]]);
    expect(reader.get('1.2.3.4')).toEqual({
      ...record,
      double: -12.345678901234,
      float: Math.fround(1.1),
      uint16_max: 65_535,
      uint32_max: 4_294_967_295,
      uint32_zero: 0,
      int32_min: -2_147_483_648,
      int32_minus_one: -1,
      int32_max: 2_147_483_647,
      uint64_max: 2n ** 64n - 1n,
      uint128_max: 2n ** 128n - 1n,
      uint128_small: 5n,
      bytes: Buffer.from([0, 1, 254, 255]),
      big_array: Array.from({ length: 300 }, (_, i) => i),
      nested: { list: [{ a: 'b' }, ['c', { d: 0.5 }]] },
    });
    expect(Math.fround(1.1)).not.toBe(1.1); // float and double really differ
  });

  it('rejects numbers that do not fit their type', () => {
    expect(() => new MmdbNumber('uint16', 65_536)).toThrow(RangeError);
    expect(() => new MmdbNumber('uint32', -1)).toThrow(RangeError);
    expect(() => new MmdbNumber('int32', 2 ** 31)).toThrow(RangeError);
    expect(() => new MmdbNumber('uint32', 1.5)).toThrow(RangeError);
    expect(() => new MmdbNumber('uint64', 2n ** 64n)).toThrow(RangeError);
  });
});

describe('deduplication with pointers', () => {
  it('stores 1000 identical records once', () => {
    const one = { company: { name: 'Example Networks B.V.', domain: 'example.nl' }, autonomous_system_number: uint32(64_512) };
    const dataSectionFor = (count: number) => {
      const writer = new MmdbWriter(TEST_WRITER_OPTIONS);
      // Non-adjacent /32s, so merging cannot help: only reuse keeps the data section small.
      for (let i = 0; i < count; i++) writer.insertNetwork(0x0a00_0001n + BigInt(i * 256), 128, one);
      const { bytes, statistics } = writer.toBuffer();
      expect(new Reader(bytes).get(`10.0.${count - 1}.1`)).toEqual({ ...one, autonomous_system_number: 64_512 });
      return statistics.dataSectionBytes;
    };
    const single = dataSectionFor(1);
    expect(single).toBeGreaterThan(50);
    expect(dataSectionFor(1000)).toBe(single);
  });

  it('stores a repeated string and repeated keys once across different records', () => {
    const organisation = 'A Very Long Organisation Name That Repeats In Every Record, Inc.';
    const networks = Array.from({ length: 500 }, (_, i) => [`10.0.${i >> 1}.${(i & 1) * 128}/26`, { id: uint32(i), organisation }] as const);
    const { bytes, reader } = buildInMemory(networks);
    expect(reader.get('10.0.100.128')).toEqual({ id: 201, organisation });
    const occurrences = bytes.toString('latin1').split(organisation).length - 1;
    expect(occurrences).toBe(1);
    expect(bytes.toString('latin1').split('organisation').length - 1).toBe(1);
  });
});

describe('search tree', () => {
  const networks = [
    ['1.0.0.0/24', { n: uint32(1) }],
    ['1.0.1.0/24', { n: uint32(2) }],
    ['2001:db8::/32', { n: uint32(3) }],
    ['2001:db8:1::/48', { n: uint32(4) }],
  ] as const;

  it.each([24, 28, 32] as const)('writes and reads %i-bit records', (recordSize) => {
    const { reader } = buildInMemory(networks, { recordSize });
    expect(reader.metadata.recordSize).toBe(recordSize);
    expect(reader.get('1.0.0.9')).toEqual({ n: 1 });
    expect(reader.get('1.0.1.255')).toEqual({ n: 2 });
    expect(reader.get('2001:db8:2::1')).toEqual({ n: 3 });
    expect(reader.get('2001:db8:1:ffff::1')).toEqual({ n: 4 });
    expect(reader.get('1.0.2.0')).toBeNull();
  });

  it('chooses the smallest record size that holds the largest record value', () => {
    expect(buildInMemory(networks).reader.metadata.recordSize).toBe(24);
    expect(chooseRecordSize(2 ** 24 - 1)).toBe(24);
    expect(chooseRecordSize(2 ** 24)).toBe(28);
    expect(chooseRecordSize(2 ** 28)).toBe(32);
    expect(() => chooseRecordSize(2 ** 32)).toThrow(/too large/);
    expect(() => chooseRecordSize(2 ** 24, 24)).toThrow(/too small/);
  });

  it('lets the more specific network win, whatever the insertion order', () => {
    for (const order of [
      [['10.0.0.0/8', { n: uint32(8) }], ['10.1.0.0/16', { n: uint32(16) }]],
      [['10.1.0.0/16', { n: uint32(16) }], ['10.0.0.0/8', { n: uint32(8) }]],
    ] as const) {
      const { reader } = buildInMemory(order);
      expect(reader.get('10.1.2.3')).toEqual({ n: 16 });
      expect(reader.get('10.2.0.0')).toEqual({ n: 8 });
      expect(reader.get('10.0.255.255')).toEqual({ n: 8 });
    }
  });

  it('lets the last record win for the very same network', () => {
    const { reader } = buildInMemory([
      ['10.0.0.0/8', { n: uint32(1) }],
      ['10.0.0.0/8', { n: uint32(2) }],
    ]);
    expect(reader.get('10.9.9.9')).toEqual({ n: 2 });
  });

  it('merges adjacent networks with identical records into one', () => {
    const record = { org: 'Same' };
    const split = buildInMemory([
      ['192.0.2.0/25', record],
      ['192.0.2.128/26', { org: 'Same' }],
      ['192.0.2.192/26', record],
    ]);
    const whole = buildInMemory([['192.0.2.0/24', record]]);
    expect(split.reader.metadata.nodeCount).toBe(whole.reader.metadata.nodeCount);
    expect(split.bytes.equals(whole.bytes)).toBe(true);
    expect(split.reader.getWithPrefixLength('192.0.2.200')).toEqual([record, 24]);
  });

  it('splits a range into CIDRs that cover exactly the range', () => {
    const writer = new MmdbWriter(TEST_WRITER_OPTIONS);
    writer.insertRange(0x0a00_0005n, 0x0a00_0105n, { r: 'range' }); // 10.0.0.5 – 10.0.1.5
    const reader = new Reader(writer.toBuffer().bytes);
    expect(reader.get('10.0.0.4')).toBeNull();
    expect(reader.get('10.0.0.5')).toEqual({ r: 'range' });
    expect(reader.get('10.0.0.255')).toEqual({ r: 'range' });
    expect(reader.get('10.0.1.5')).toEqual({ r: 'range' });
    expect(reader.get('10.0.1.6')).toBeNull();
    const v6 = new MmdbWriter(TEST_WRITER_OPTIONS);
    v6.insertRange(0x2001_0db8n << 96n, (0x2001_0db8n << 96n) + (1n << 70n), { r: 'v6' });
    const v6Reader = new Reader(v6.toBuffer().bytes);
    expect(v6Reader.get('2001:db8:0:40::')).toEqual({ r: 'v6' });
    expect(v6Reader.get('2001:db8:0:40::1')).toBeNull();
  });

  it('answers IPv4-mapped and 6to4 addresses from the IPv4 networks, unless aliasing is off', () => {
    const record = { n: uint32(7) };
    const { reader } = buildInMemory([['198.51.100.0/24', record]]);
    for (const ip of ['198.51.100.7', '::198.51.100.7', '::ffff:198.51.100.7', '2002:c633:6407::1']) {
      expect(reader.get(ip)).toEqual({ n: 7 });
    }
    const plain = buildInMemory([['198.51.100.0/24', record]], { ipv4Aliases: false }).reader;
    expect(plain.get('198.51.100.7')).toEqual({ n: 7 });
    expect(plain.get('::ffff:198.51.100.7')).toBeNull();
    expect(plain.get('2002:c633:6407::1')).toBeNull();
  });

  it('stores an IPv4-mapped input network as its IPv4 network, and counts inputs the 6to4 alias shadows', () => {
    const writer = new MmdbWriter(TEST_WRITER_OPTIONS);
    writer.insertNetwork(0xffff_c633_6400n, 120, { via: 'mapped' }); // ::ffff:198.51.100.0/120
    writer.insertNetwork(0x2002n << 112n, 16, { via: '6to4' });
    const { bytes, statistics } = writer.toBuffer();
    const reader = new Reader(bytes);
    expect(reader.get('198.51.100.1')).toEqual({ via: 'mapped' });
    expect(reader.get('2002:c633:6401::')).toEqual({ via: 'mapped' });
    expect(reader.get('2002:0101:0101::')).toBeNull();
    expect(statistics.networksShadowedBy6to4Alias).toBe(1);
  });

  it('gives byte-identical output for the same input, whatever the key order', () => {
    const build = (record: MmdbValue) => buildInMemory([['1.0.0.0/24', record], ['2001:db8::/32', { x: 'y' }]]).bytes;
    const first = build({ a: 'one', b: { c: uint32(2), d: true } });
    const second = build({ b: { d: true, c: uint32(2) }, a: 'one' });
    expect(first.equals(second)).toBe(true);
    expect(build({ a: 'one', b: { c: uint32(3), d: true } }).equals(first)).toBe(false);
  });

  it('writes the metadata', () => {
    const { reader } = buildInMemory([['1.0.0.0/24', { a: 'b' }]], { description: { en: 'Attribution: X', de: 'Quelle: X' } });
    expect(reader.metadata).toMatchObject({
      binaryFormatMajorVersion: 2,
      binaryFormatMinorVersion: 0,
      buildEpoch: new Date(1_700_000_000_000),
      databaseType: 'Builder-Test',
      description: { en: 'Attribution: X', de: 'Quelle: X' },
      ipVersion: 6,
      languages: ['en'],
      recordSize: 24,
    });
    expect(() => new MmdbWriter({ ...TEST_WRITER_OPTIONS, buildEpoch: 0n })).toThrow(/build epoch/);
  });
});
