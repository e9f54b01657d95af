import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../lambdas/shared/retry/backoff.js';

const BACKOFF = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles per retry, half fixed and half random', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, BACKOFF, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, BACKOFF, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(3, BACKOFF, () => 0.5)).toBe(300);
  });

  it('never waits longer than the cap, however many retries', () => {
    expect(backoffDelay(5, BACKOFF, () => 1)).toBe(1_000);
    expect(backoffDelay(40, BACKOFF, () => 1)).toBe(1_000);
    expect(backoffDelay(40, BACKOFF, () => 0)).toBe(500);
  });

  it('spreads clients that retry together (jitter from Math.random by default)', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, BACKOFF)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});
