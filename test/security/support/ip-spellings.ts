import { isIPv4, isIPv6 } from 'node:net';

/**
 * The ways one address is commonly written, so a test can look for all of them: for IPv4 the dotted
 * quad, zero-padded, and IPv4-mapped IPv6 (dotted and hex, any case); for IPv6 RFC 5952 text, upper
 * case, fully expanded, and percent-encoded as in a URL path. Computed here from the address's
 * 16-bit groups, independently of the code under test.
 */
export function ipSpellings(address: string): string[] {
  if (isIPv4(address)) {
    const octets = address.split('.').map(Number);
    const [high, low] = [(octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!].map((group) => group.toString(16));
    const mappedHex = `::ffff:${high}:${low}`;
    return unique([
      address,
      octets.map((octet) => String(octet).padStart(3, '0')).join('.'),
      `::ffff:${address}`,
      `0:0:0:0:0:ffff:${address}`,
      mappedHex,
      `0000:0000:0000:0000:0000:ffff:${high!.padStart(4, '0')}:${low!.padStart(4, '0')}`,
    ].flatMap(withUpperCase).flatMap(withPercentEncoding));
  }
  if (!isIPv6(address)) throw new Error(`${address} is not an IP address`);
  const groups = ipv6Groups(address);
  const compressed = new URL(`http://[${groups.map((group) => group.toString(16)).join(":")}]/`).hostname.slice(1, -1);
  return unique([
    compressed,
    groups.map((group) => group.toString(16)).join(':'),
    groups.map((group) => group.toString(16).padStart(4, '0')).join(':'),
  ].flatMap(withUpperCase).flatMap(withPercentEncoding));
}

function ipv6Groups(address: string): number[] {
  let text = address;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (embedded) {
    const o = embedded.split('.').map(Number);
    text = text.replace(embedded, `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`);
  }
  const [head = '', tail = ''] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  if (!text.includes('::')) return parse(text);
  const [h, t] = [parse(head), parse(tail)];
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const withUpperCase = (text: string) => [text, text.toUpperCase()];
const withPercentEncoding = (text: string) => (text.includes(':') ? [text, text.replaceAll(':', '%3A'), text.replaceAll(':', '%3a')] : [text]);
const unique = (texts: string[]) => [...new Set(texts)];
