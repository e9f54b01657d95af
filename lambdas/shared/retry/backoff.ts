/** How long to wait between the attempts of a retry loop. */
export interface Backoff {
  /** The wait before the first retry, before jitter; it doubles per retry. */
  readonly baseDelayMs: number;
  /** No wait is longer than this. */
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential and capped, with "equal jitter" — half
 * of it fixed, half random — so that clients throttled together do not all retry at the same moment.
 */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
