import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Reader, type Response } from 'maxmind';
import { MmdbWriter, type MmdbWriterOptions } from '../../tools/mmdb-builder/mmdb-writer.js';
import type { MmdbValue } from '../../tools/mmdb-builder/mmdb-value.js';

export { REPO_ROOT as repoRoot, maxmindSourceData, testDatabase } from '../support/repo-paths.js';

export function temporaryDirectory(): { readonly dir: string; readonly remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mmdb-builder-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { seededRandom } from '../support/seeded-random.js';

/** A uniformly chosen bigint in [low, high]. */
export function randomBetween(random: () => number, low: bigint, high: bigint): bigint {
  const span = high - low + 1n;
  let value = 0n;
  for (let i = 0; i < 5; i++) value = (value << 32n) | BigInt(Math.floor(random() * 2 ** 32));
  return low + (value % span);
}

/**
 * Parses an address independently of the builder's parser (via URL, which knows IPv6 and IPv4):
 * its position in the 128-bit tree, with IPv4 at ::a.b.c.d.
 */
export function addressValue(text: string): bigint {
  if (!text.includes(':')) return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
  const hostname = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const [head = '', tail] = hostname.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export function ipv4Text(value: bigint): string {
  const n = Number(value);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function ipv6Text(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

/**
 * Every way a reader may be asked for the address at a tree position: IPv4 positions (::/96) as a.b.c.d,
 * ::a.b.c.d and the aliased ::ffff:a.b.c.d and 2002:aabb:ccdd::; others as IPv6 text.
 */
export function queryForms(value: bigint): string[] {
  if (value > 0xffff_ffffn) return [ipv6Text(value)];
  const v4 = ipv4Text(value);
  return [v4, `::${v4}`, `::ffff:${v4}`, ipv6Text((0x2002n << 112n) | (value << 80n))];
}

/** A network as first and last tree position, from "1.2.3.0/24", "::1.2.3.0/120" or "2001:db8::/32". */
export function networkBounds(cidr: string): { readonly first: bigint; readonly last: bigint } {
  const [address = '', length = ''] = cidr.split('/');
  const treeLength = Number(length) + (address.includes(':') ? 0 : 96);
  const hostBits = BigInt(128 - treeLength);
  const first = (addressValue(address) >> hostBits) << hostBits;
  return { first, last: first + (1n << hostBits) - 1n };
}

export const TEST_WRITER_OPTIONS: MmdbWriterOptions = {
  databaseType: 'Builder-Test',
  description: { en: 'builder test' },
  languages: ['en'],
  buildEpoch: 1_700_000_000n,
};

/** Builds an in-memory database from CIDRs (parsed independently) and opens it with the `maxmind` reader. */
export function buildInMemory<T extends Response = Response>(
  networks: readonly (readonly [cidr: string, record: MmdbValue])[],
  options: Partial<MmdbWriterOptions> = {},
): { readonly reader: Reader<T>; readonly bytes: Buffer } {
  const writer = new MmdbWriter({ ...TEST_WRITER_OPTIONS, ...options });
  for (const [cidr, record] of networks) {
    const { first } = networkBounds(cidr);
    const length = Number(cidr.split('/')[1]) + (cidr.split('/')[0]!.includes(':') ? 0 : 96);
    writer.insertNetwork(first, length, record);
  }
  const { bytes } = writer.toBuffer();
  return { reader: new Reader<T>(bytes), bytes };
}
