import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { maxmindSourceData } from './repo-paths.js';

export { REPO_ROOT, testDatabase } from './repo-paths.js';

/**
 * A network as plain integer bounds, computed here with BigInt arithmetic, independently of the
 * byte-based code under test.
 */
export interface Network {
  readonly family: 'ipv4' | 'ipv6';
  /** IPv4 networks written ::a.b.c.d/(96+n) in the source are given as a.b.c.d/n here. */
  readonly address: string;
  readonly prefixLength: number;
  readonly first: bigint;
  readonly last: bigint;
}

export interface SourceNetwork extends Network {
  readonly record: Record<string, any>;
}

/** Reads source-data/<name>.json (a list of { "<network>": record }). */
export function sourceNetworks(name: string): SourceNetwork[] {
  const entries = JSON.parse(readFileSync(maxmindSourceData(name), 'utf8')) as Array<Record<string, any>>;
  return entries.flatMap((entry) => Object.entries(entry)).map(([cidr, record]) => ({ ...parseCidr(cidr), record }));
}

/** "a.b.c.d/n", "x::/n" or MaxMind's "::a.b.c.d/(96+n)" (taken as IPv4). */
export function parseCidr(cidr: string): Network {
  const [written, length] = cidr.split('/') as [string, string];
  let address = written;
  let prefixLength = Number(length);
  const embedded = /^::(\d+\.\d+\.\d+\.\d+)$/.exec(written)?.[1];
  if (embedded && prefixLength >= 96) [address, prefixLength] = [embedded, prefixLength - 96];
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  const hostBits = BigInt((family === 'ipv4' ? 32 : 128) - prefixLength);
  const first = (addressValue(address) >> hostBits) << hostBits;
  return { family, address, prefixLength, first, last: first | ((1n << hostBits) - 1n) };
}

export function networkContains(network: Network, address: string): boolean {
  if (network.family !== (isIPv4(address) ? 'ipv4' : 'ipv6')) return false;
  const value = addressValue(address);
  return value >= network.first && value <= network.last;
}

/** The most specific source network containing the address: the record the database must answer with. */
export function mostSpecificNetwork<N extends Network>(networks: readonly N[], address: string): N | undefined {
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  const value = addressValue(address);
  let best: N | undefined;
  for (const network of networks) {
    const contains = network.family === family && value >= network.first && value <= network.last;
    if (contains && (!best || network.prefixLength > best.prefixLength)) best = network;
  }
  return best;
}

export function lastAddressOf(network: Network): string {
  return network.family === 'ipv4' ? formatIpv4(network.last) : formatIpv6(network.last);
}

function addressValue(address: string): bigint {
  if (isIPv4(address)) return address.split('.').reduce((v, octet) => (v << 8n) | BigInt(octet), 0n);
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const all = address.includes('::')
    ? [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)]
    : groups(address);
  return all.reduce((v, group) => (v << 16n) | BigInt(parseInt(group, 16)), 0n);
}

const formatIpv4 = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
const formatIpv6 = (v: bigint) => Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - i * 16)) & 0xffffn).toString(16)).join(':');
