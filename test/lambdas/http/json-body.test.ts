import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../lambdas/shared/http/http-error.js';
import { parseJsonBody } from '../../../lambdas/shared/http/json-body.js';

const eventWith = (body: string | null, headers: Record<string, string> = { 'content-type': 'application/json' }) => ({
  body,
  headers,
  isBase64Encoded: false,
});

function refusal(body: string | null, headers?: Record<string, string>): HttpError {
  try {
    parseJsonBody(eventWith(body, headers), 1024);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected the body to be refused');
}

describe('parseJsonBody', () => {
  it('parses a JSON body within the limit', () => {
    expect(parseJsonBody(eventWith('{"ips":["192.0.2.1"]}'), 1024)).toEqual({ ips: ['192.0.2.1'] });
  });

  it.each([
    [null, undefined, 400, 'BODY_REQUIRED'],
    ['{"a":', undefined, 400, 'INVALID_JSON'],
    ['{"a":1}', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [JSON.stringify({ a: 'x'.repeat(2000) }), undefined, 413, 'PAYLOAD_TOO_LARGE'],
    ['{"message":"\\ud800"}', undefined, 400, 'INVALID_TEXT'],
    ['{"\\udc00":"x"}', undefined, 400, 'INVALID_TEXT'],
    ['{"nested":{"list":["ok","\\ud83d"]}}', undefined, 400, 'INVALID_TEXT'],
  ])('refuses %j with %i %s', (body, headers, status, code) => {
    const error = refusal(body, headers);
    expect([error.statusCode, error.code]).toEqual([status, code]);
  });

  it('accepts complete surrogate pairs (emoji, rare scripts)', () => {
    expect(parseJsonBody(eventWith('{"message":"\\ud83d\\ude00 ok"}'), 1024)).toEqual({ message: '😀 ok' });
  });
});
