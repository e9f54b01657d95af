import { isIPv6 } from 'node:net';
import { redactIps } from '../shared/logging/redact.js';

/** A maximal run of hex digits, dots (an embedded IPv4) and at least two colons, with an optional zone. */
const IPV6_RUN = /[0-9A-Fa-f.]*(?::[0-9A-Fa-f.]*){2,}(?:%[\w.]+)?/g;

/**
 * Replaces every IP address in free text before it is stored or e-mailed. Whole runs are checked
 * first, so every IPv6 spelling goes in one piece; the shared redactIps then handles the rest.
 *
 * Why not redactIps alone: its IPv6 pattern stops after seven groups, so an address written with
 * eight colons (`::1:2:3:4:5:6:7`, `1:2:3:4:5:6:7::`) is left whole or with its last group showing.
 * Once lambdas/shared/logging/redact.ts handles those, this pass can go.
 */
export function scrubIpAddresses(text: string): string {
  const runsRedacted = text.replace(IPV6_RUN, (run) => {
    // A sentence may end an address with a colon or full stop ("from 2001:db8::1. Then…"): try without it too.
    for (const candidate of [run, run.replace(/(?<!:)[:.]$/, '')]) {
      if (isIPv6(candidate.split('%')[0]!)) return `[redacted-ip]${run.slice(candidate.length)}`;
    }
    return run;
  });
  return redactIps(runsRedacted);
}
