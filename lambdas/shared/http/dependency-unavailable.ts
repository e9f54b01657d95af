/**
 * Seconds a client is asked to wait after a 503. DynamoDB on-demand doubles a table's capacity within
 * minutes and the SDK has already retried with backoff (3 attempts) before the error reaches us: a
 * client retrying in a couple of seconds spreads the load instead of hammering a throttled table.
 */
export const RETRY_AFTER_SECONDS = 2;

/** Error names AWS services use for "slow down"; the SDK marks most of them retryable too. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
]);
/** Connection-level failures of a dependency (the SDK throws Node's error after its retries). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly cause?: unknown;
}

/**
 * Whether an error means a dependency (DynamoDB, Secrets Manager, SNS) is throttling us or failing for
 * now, so the request may succeed if sent again: throttling, a 5xx, a timeout or a refused connection —
 * also when wrapped as the `cause` of one of our errors. Such a request is answered 503 with
 * Retry-After, not 500: nothing was applied and nothing is wrong with the request or with our code.
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const e = error as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (
    (e.name !== undefined && THROTTLING.has(e.name)) ||
    e.name === 'TimeoutError' ||
    e.$fault === 'server' ||
    (status !== undefined && (status === 429 || status >= 500)) ||
    (e.code !== undefined && NETWORK_CODES.has(e.code))
  ) {
    return true;
  }
  return isDependencyUnavailable(e.cause, depth + 1);
}
