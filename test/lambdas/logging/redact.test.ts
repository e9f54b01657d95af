import { describe, expect, it } from 'vitest';
import { redactIps, redactingReplacer } from '../../../lambdas/shared/logging/redact.js';

describe('redactIps', () => {
  it.each([
    ['192.0.2.1', '[redacted-ip]'],
    ['2001:db8::1', '[redacted-ip]'],
    ['::ffff:192.0.2.1', '[redacted-ip]'],
    ['fe80::1%eth0', '[redacted-ip]'],
    // Eight-colon spellings, whole.
    ['::1:2:3:4:5:6:7', '[redacted-ip]'],
    ['1:2:3:4:5:6:7::', '[redacted-ip]'],
    // An address ending a sentence keeps its punctuation.
    ['2001:db8::1.', '[redacted-ip].'],
    ['2001:db8::1:', '[redacted-ip]:'],
  ])('replaces %s as a whole', (address, replaced) => {
    expect(redactIps(`from ${address} on`)).toBe(`from ${replaced} on`);
  });

  it.each(['10:30:00', '2026-11-25T08:30:00.000Z', 'a:b:c', 'BR-20261125-7f3c2a9e', 'version 1.2.3', 'sha256 c54c7fbf6d9ab98ebb85a0e9e164b077'])(
    'leaves %s alone',
    (text) => {
      expect(redactIps(text)).toBe(text);
    },
  );
});

describe('redactIps, IPv4 spellings', () => {
  it.each(['192.0.2.1', '010.000.002.001', '255.255.255.255'])('replaces %s', (address) => {
    expect(redactIps(`client=${address}, next`)).toBe('client=[redacted-ip], next');
  });

  it.each(['256.1.1.1', '1.2.3', 'v1.22.333.4444'])('leaves the non-address %s alone', (text) => {
    expect(redactIps(text)).toBe(text);
  });
});

describe('redactingReplacer', () => {
  it('drops the value of every field that carries a client address, whatever it holds', () => {
    const record = { headers: { 'X-Forwarded-For': 'anything', forwarded: 'for=x' }, sourceIp: 'n/a', note: 'from 192.0.2.7' };
    expect(JSON.parse(JSON.stringify(record, redactingReplacer))).toEqual({
      headers: { 'X-Forwarded-For': '[redacted]', forwarded: '[redacted]' },
      sourceIp: '[redacted]',
      note: 'from [redacted-ip]',
    });
  });
});

describe('redactIps, encoded and keyed addresses', () => {
  it.each([
    ['/v1/enrich/2001%3Adb8%3A%3A1', '/v1/enrich/[redacted-ip]'],
    ['/v1/enrich/%3A%3Affff%3A5102%3A45a1', '/v1/enrich/[redacted-ip]'],
    ['q=192%2E0%2E2%2E1&x=1', 'q=[redacted-ip]&x=1'],
  ])('decodes %s before judging it', (text, expected) => {
    expect(redactIps(text)).toBe(expected);
  });

  it('keeps percent-encoded text without an address as it was', () => {
    expect(redactIps('/search?q=caf%C3%A9%20latte')).toBe('/search?q=caf%C3%A9%20latte');
  });

  it('redacts field names that are addresses', () => {
    const record = { headers: { '192.0.2.7': 'x', 'x-trace': '2001:db8::1' } };
    expect(JSON.stringify(record, redactingReplacer)).toBe('{"headers":{"[redacted-ip]":"x","x-trace":"[redacted-ip]"}}');
  });
});
