import { isIP, isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { networkCidr, parseAddressBytes, parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { HttpError } from '../../../lambdas/shared/http/http-error.js';
import { parsePublicIp } from '../../../lambdas/shared/ip/public-ip.js';
import { specialPurposeOf } from '../../../lambdas/shared/ip/special-purpose.js';

describe('parseIpAddress', () => {
  it.each([
    ['81.2.69.160', 4, '81.2.69.160'],
    ['2001:DB8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1'], // RFC 5952: the first of two equal zero runs
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 6, '2001:db8::1'],
    ['2a02:2770:3:0:0:0:0:0', 6, '2a02:2770:3::'],
    ['::', 6, '::'],
    ['1:2:3:4:5:6:7:8', 6, '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', 6, '1:0:3:4:5:6:7:8'], // a single zero group is not compressed
    ['::ffff:81.2.69.160', 4, '81.2.69.160'], // IPv4-mapped → the IPv4 host
    ['::FFFF:5102:45a0', 4, '81.2.69.160'],
    ['64:ff9b::5102:45a0', 4, '81.2.69.160'], // NAT64 well-known prefix
    ['1:2:3:4:5:6:1.2.3.4', 6, '1:2:3:4:5:6:102:304'],
  ])('%s → IPv%s %s', (input, version, text) => {
    expect(parseIpAddress(input)).toMatchObject({ version, text });
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', ' 1.2.3.4', '1.2.3.4 ', '[::1]', 'fe80::1%eth0', '1::2::3',
    '12345::', 'g::1', '1.2.3.4/24', 'localhost', `${'1'.repeat(70)}`, '::ffff:1.2.3.256',
  ])('rejects %j', (input) => {
    expect(parseIpAddress(input)).toBeUndefined();
  });

  it('round-trips every IPv6 address through its canonical text, which node:net accepts', () => {
    fc.assert(
      fc.property(fc.ipV6(), (input) => {
        const parsed = parseIpAddress(input);
        expect(parsed).toBeDefined();
        expect(isIP(parsed!.text)).toBe(parsed!.version);
        expect(parseIpAddress(parsed!.text)).toEqual(parsed);
      }),
    );
  });

  /** Address-like text: the pieces addresses are made of, in any order, so near misses are common. */
  const addressLike = fc
    .array(fc.constantFrom('0', '1', '9', '00', '01', '10', '255', '256', '1000', 'a', 'F', 'ff', 'ffff', '0fff', '12345', 'g', '.', ':', '::', '%1', ' '), {
      maxLength: 16,
    })
    .map((pieces) => pieces.join(''));

  it('accepts exactly the text node:net accepts as an address (zone indexes aside)', () => {
    fc.assert(
      fc.property(fc.oneof(addressLike, fc.ipV4(), fc.ipV4Extended(), fc.ipV6()), (input) => {
        const bytes = parseAddressBytes(input);
        const expected = isIPv4(input) ? 4 : isIPv6(input) && !input.includes('%') ? 16 : undefined;
        expect(bytes?.length, input).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads IPv6 text into the address the WHATWG URL parser reads (an independent implementation)', () => {
    fc.assert(
      fc.property(fc.oneof(addressLike, fc.ipV6()), (input) => {
        const parsed = parseIpAddress(input);
        if (parsed?.version !== 6) return;
        expect(parsed.text, input).toBe(new URL(`http://[${input}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 20_000 },
    );
  });

  it('round-trips every IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (input) => {
        expect(parseIpAddress(input)?.text).toBe(input);
      }),
    );
  });
});

describe('networkCidr', () => {
  it('masks host bits and keeps the prefix length', () => {
    expect(networkCidr(parseIpAddress('81.2.69.170')!, 27)).toBe('81.2.69.160/27');
    expect(networkCidr(parseIpAddress('81.2.69.170')!, 32)).toBe('81.2.69.170/32');
    expect(networkCidr(parseIpAddress('81.2.69.170')!, 0)).toBe('0.0.0.0/0');
    expect(networkCidr(parseIpAddress('2001:480:10:7fff::1')!, 49)).toBe('2001:480:10::/49');
    expect(networkCidr(parseIpAddress('2001:480:10:ffff::1')!, 49)).toBe('2001:480:10:8000::/49');
  });
});

describe('specialPurposeOf / parsePublicIp', () => {
  it.each([
    ['0.1.2.3', 'this-network'],
    ['10.20.30.40', 'private-use'],
    ['172.16.0.1', 'private-use'],
    ['172.31.255.255', 'private-use'],
    ['192.168.1.1', 'private-use'],
    ['100.64.0.1', 'shared-address-space'],
    ['100.127.255.254', 'shared-address-space'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['192.0.0.8', 'ietf-protocol-assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['192.88.99.1', 'deprecated-6to4'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:10.0.0.1', 'private-use'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private-use'],
    ['::1.2.3.4', 'not-global-unicast'], // deprecated IPv4-compatible form
    ['100::1', 'discard-only'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'ietf-protocol-assignments'], // Teredo
    ['2001:2::1', 'ietf-protocol-assignments'], // benchmarking
    ['2002:c000:0201::1', 'deprecated-6to4'],
    ['3fff::1', 'documentation'],
    ['5f00::1', 'srv6-sid'],
    ['4000::1', 'not-global-unicast'],
  ])('%s is %s, refused as NOT_PUBLIC_ADDRESS without echoing it', (input, purpose) => {
    expect(specialPurposeOf(parseIpAddress(input)!)).toBe(purpose);
    const error = catchError(() => parsePublicIp(input));
    expect(error).toMatchObject({ statusCode: 422, code: 'NOT_PUBLIC_ADDRESS', details: { range: purpose } });
    expect(error.message).not.toContain(input);
  });

  it.each([
    '1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0',
    '192.0.1.255', '192.0.3.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255',
    '2001:200::1', '2001:4860:4860::8888', '2a02:2770:3::1', '2c0f:fb50::1', '3ffe::1', '::ffff:81.2.69.160',
  ])('%s is public', (input) => {
    expect(specialPurposeOf(parseIpAddress(input)!)).toBeUndefined();
    expect(parsePublicIp(input).version).toBeGreaterThan(0);
  });

  it.each([['not-an-ip'], ['1.2.3.256'], [''], [42], [null], [undefined], [['1.1.1.1']]])('refuses %j as INVALID_IP', (input) => {
    expect(catchError(() => parsePublicIp(input))).toMatchObject({ statusCode: 400, code: 'INVALID_IP' });
  });
});

function catchError(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
}
