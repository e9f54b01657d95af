import { isIP } from 'node:net';
import { redactIps } from '../logging/redact.js';

/** What a replaced path segment becomes: says what kind of thing was there, never what it was. */
export const SCRUBBED = { ip: '[ip]', email: '[email]', token: '[token]' } as const;

/** `local@domain.tld`, also inside a longer segment (`user-jane@example.org`). */
const EMAIL = /[^\s/@]+@[^\s/@]+\.[^\s/@]+/;
/**
 * A piece of a segment (between `-`, `_`, `.`, `~`, `+`, `=`, `,`, `;`) that looks machine-made: at least 6
 * characters mixing letters and digits (reset tokens, session ids, UUID groups, hashes), or a run of 9
 * or more digits (phone, customer and order numbers long enough to single out a person).
 */
const MIXED_PIECE = /^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{6,}$/;
const LONG_NUMBER = /^\d{9,}$/;
/** A segment this long with no separators at all is opaque whatever its letters (base64url blobs, JWT parts). */
const LONG_OPAQUE_SEGMENT = /^[A-Za-z0-9_-]{32,}$/;

/**
 * The path of a visited page as it may be stored: every segment that is or holds an IP address, an
 * e-mail address or a long opaque token is replaced by a marker ([ip], [email], [token]). Segments are
 * judged percent-decoded, so `%40` and `%3A` hide nothing. What remains are the words and short
 * numbers of a site's own page structure (`/products/42/reviews`); a path may still name a person in
 * plain words (`/team/jane-doe`), which no rule can tell from a product name (see README).
 */
export function scrubbedPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (segment === '' ? segment : scrubbedSegment(segment)))
    .join('/');
}

function scrubbedSegment(segment: string): string {
  const decoded = percentDecoded(segment);
  if (isIP(decoded) !== 0 || redactIps(decoded) !== decoded) return SCRUBBED.ip;
  if (EMAIL.test(decoded) || decoded.includes('@')) return SCRUBBED.email;
  if (LONG_OPAQUE_SEGMENT.test(decoded) && !/^[a-z-]+$/.test(decoded)) return SCRUBBED.token;
  const pieces = decoded.split(/[-_.~+=,;]/);
  if (pieces.some((piece) => MIXED_PIECE.test(piece) || LONG_NUMBER.test(piece))) return SCRUBBED.token;
  return segment;
}

function percentDecoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether a site id is itself an IP address (a site id is a name the tenant chooses, never an address). */
export function isIpAddressText(text: string): boolean {
  return isIP(text) !== 0 || redactIps(text) !== text;
}
