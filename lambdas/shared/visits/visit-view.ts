import type { Visit } from './visit.js';

/** A visit as the API answers with it: the stored TTL (epoch seconds) as an ISO 8601 timestamp. */
export function visitView(visit: Visit) {
  return { ...visit, expiresAt: new Date(visit.expiresAt * 1000).toISOString() };
}
