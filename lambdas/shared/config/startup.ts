import type { Logger } from '@aws-lambda-powertools/logger';

/**
 * Runs one step of a function's cold start (reading configuration, opening the database). A failure
 * is logged once with what was being done and rethrown, so Lambda reports a failed init rather than
 * the function answering requests half-configured.
 */
export function startupStep<T>(logger: Logger, step: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    logger.error(`startup failed: ${step}`, { error: error as Error });
    throw error;
  }
}

/** A required environment variable, or an error naming it. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** RETENTION_DAYS as set by the stack: a whole number of days from 1 to 3650. */
export function retentionDaysFrom(text: string): number {
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('RETENTION_DAYS must be a whole number of days from 1 to 3650');
  return days;
}

/** startupStep for work already under way (e.g. a file read started before the logger existed). */
export async function startupStepAsync<T>(logger: Logger, step: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    logger.error(`startup failed: ${step}`, { error: error as Error });
    throw error;
  }
}

/**
 * Starts an init step that overlaps the ones after it (e.g. reading the database file). Should a later
 * synchronous step fail the init first, the pending step's failure must not surface as an unhandled rejection,
 * whose text the runtime would log unredacted; startupStepAsync awaits it and reports it in the usual way.
 */
export function startedEarly<T>(pending: Promise<T>): Promise<T> {
  pending.catch(() => undefined);
  return pending;
}
