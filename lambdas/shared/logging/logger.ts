import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact.js';

/** The one structured JSON logger of a function; every record passes through the IP redactor. */
export function createLogger(serviceName: string): Logger {
  return new Logger({
    serviceName,
    jsonReplacerFn: redactingReplacer,
  });
}
