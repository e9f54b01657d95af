import type { RouteThrottle } from '../../lib/api/routes.js';

/**
 * API Gateway's throttling algorithm (a token bucket): `burstLimit` requests at once, refilled at
 * `rateLimit` per second. One bucket per usage plan key, one per method-level throttle.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limits: RouteThrottle,
    /** Milliseconds on a monotonic clock. */
    private readonly now: () => number,
  ) {
    this.tokens = limits.burstLimit;
    this.updatedAt = now();
  }

  /** Takes one request's token; false when the bucket is empty (the request is throttled). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limits.burstLimit, this.tokens + ((now - this.updatedAt) / 1000) * this.limits.rateLimit);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Buckets created on first use, by key (an API key id, a route). */
export class Throttles {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number) {}

  /** Whether a request may pass the limits under `key`; no limits: always. */
  admit(key: string, limits: RouteThrottle | undefined): boolean {
    if (!limits) return true;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(limits, this.now)));
    return bucket.take();
  }
}
