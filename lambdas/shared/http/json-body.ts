import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError, badRequest } from './http-error.js';

/** Which Content-Type a route takes its JSON body in. */
export interface BodyMediaType {
  readonly pattern: RegExp;
  /** For the 415 message. */
  readonly name: string;
  /** Whether a body without a Content-Type header is taken as this type. */
  readonly optional: boolean;
}

export const JSON_MEDIA_TYPE: BodyMediaType = { pattern: /^application\/json\s*(?:;|$)/i, name: 'application/json', optional: true };

/** Parses a JSON request body within a size limit; every failure is the client's and says which. */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  maxBytes: number,
  mediaType: BodyMediaType = JSON_MEDIA_TYPE,
): unknown {
  if (event.body === null || event.body === undefined || event.body === '') throw badRequest('BODY_REQUIRED', 'A JSON request body is required.');
  // API Gateway checks a body against the route's model only for application/json (and assumes it when
  // the header is absent); any other type, `+json` suffixes included, would reach the function unchecked.
  const contentType = headerValue(event.headers, 'content-type');
  if (contentType === undefined ? !mediaType.optional : !mediaType.pattern.test(contentType)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `The request body must be sent as ${mediaType.name}.`);
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${maxBytes} bytes.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw, rejectIllFormedText);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw badRequest('INVALID_JSON', 'The request body is not valid JSON.');
  }
  return parsed;
}

/**
 * JSON may escape half of a UTF-16 surrogate pair (`"\ud800"`): valid JSON, but not text. Such a string
 * cannot be sent on (SNS, e-mail, DynamoDB reject it), so it is the client's error, found before any work.
 */
function rejectIllFormedText(key: string, value: unknown): unknown {
  if (!key.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) {
    throw badRequest('INVALID_TEXT', 'The request body contains text that is not valid Unicode (an unpaired surrogate).');
  }
  return value;
}

export function headerValue(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}
