import type { APIGatewayProxyResult } from 'aws-lambda';

/** Headers every answer carries: JSON, never cached, never sniffed. */
const SECURITY_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
} as const;

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...SECURITY_HEADERS }, body: JSON.stringify(body) };
}

/** A self-contained page (no scripts, no external resources, no framing) with the same security headers. */
export function htmlResponse(statusCode: number, body: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    },
    body,
  };
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorResponse(statusCode: number, code: string, message: string, details?: Record<string, unknown>) {
  const body: ErrorBody = { error: details ? { code, message, details } : { code, message } };
  return jsonResponse(statusCode, body);
}
