import { describe, expect, it } from 'vitest';
import { scrubIpAddresses } from '../../lambdas/breach-shared/scrub-ips.js';

describe('scrubIpAddresses', () => {
  it.each([
    ['192.0.2.1', '[redacted-ip]'],
    ['2001:db8::1', '[redacted-ip]'],
    ['::ffff:192.0.2.1', '[redacted-ip]'],
    ['fe80::1%eth0', '[redacted-ip]'],
    // Eight-colon spellings the shared log redactor lets through (whole, or with the last group showing).
    ['::1:2:3:4:5:6:7', '[redacted-ip]'],
    ['1:2:3:4:5:6:7::', '[redacted-ip]'],
    // An address ending a sentence keeps its punctuation.
    ['2001:db8::1.', '[redacted-ip].'],
    ['2001:db8::1:', '[redacted-ip]:'],
  ])('replaces %s as a whole', (address, replaced) => {
    expect(scrubIpAddresses(`from ${address} on`)).toBe(`from ${replaced} on`);
  });

  it.each(['10:30:00', '2026-11-25T08:30:00.000Z', 'a:b:c', 'BR-20261125-7f3c2a9e', 'version 1.2.3', 'sha256 c54c7fbf6d9ab98ebb85a0e9e164b077'])(
    'leaves %s alone',
    (text) => {
      expect(scrubIpAddresses(text)).toBe(text);
    },
  );
});
