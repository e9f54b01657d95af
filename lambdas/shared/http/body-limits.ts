/**
 * The largest request body each route accepts, in bytes: one number per route, which the function
 * (parseJsonBody), the web ACL (lib/security/api-firewall.ts) and the route's request schema are all
 * held to (test/security/body-limits.test.ts). A limit covers the largest body the route's schema
 * accepts as serialised by a client that escapes every non-ASCII character (`\ud83d\ude00`, 12 bytes
 * for one emoji), as Python's json.dumps does by default.
 */
export const ROUTE_BODY_LIMITS = {
  '/v1/enrich': 16 * 1024,
  '/v1/visits': 8 * 1024,
  '/v1/collect': 8 * 1024,
  '/v1/visitor-data/search': 1024,
  '/v1/visitor-data/erase': 1024,
  '/v1/data-subject-requests': 32 * 1024,
  '/v1/operator/breaches': 64 * 1024,
} as const satisfies Record<string, number>;

export type BodyRoute = keyof typeof ROUTE_BODY_LIMITS;

/** The largest limit: what the web ACL must be able to inspect (AWS WAF inspects at most 64 KB of a body). */
export const LARGEST_BODY_LIMIT = Math.max(...Object.values(ROUTE_BODY_LIMITS));
