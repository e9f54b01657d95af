/**
 * Runs `load` once and shares its result with every later caller (per container). A failure is not
 * cached: the next caller tries again, so a passing outage does not poison the container.
 */
export function cachedAsync<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
