import { badRequest } from '../shared/http/http-error.js';
import { validQuery } from '../shared/http/request-validation.js';
import { decodeCursor, type CursorState } from './list-cursor.js';

export const DEFAULT_PAGE_SIZE = 50;

export interface ListVisitsQuery {
  readonly from: Date;
  readonly to: Date;
  readonly siteId: string | null;
  readonly limit: number;
  /** Where the previous page ended, from a verified cursor. */
  readonly after?: string;
}

export interface ListQueryContext {
  readonly tenantId: string;
  readonly cursorKey: Buffer;
  readonly now: Date;
  /** The window's default length: everything still kept. */
  readonly retentionDays: number;
}

/** RFC 3339 date-time (offset required), or a bare date meaning midnight UTC. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const DAY_MS = 86_400_000;

/**
 * Validates GET /v1/visits. Without a cursor the window is [from, to), by default the whole
 * retention period up to now. With a cursor, window and site come from the cursor (the listing it
 * continues); any of them given again must agree with it.
 */
export function listVisitsQueryFrom(event: Parameters<typeof validQuery>[0], context: ListQueryContext): ListVisitsQuery {
  const params = validQuery(event) as { from?: string; to?: string; siteId?: string; limit?: number; cursor?: string };
  const limit = params.limit ?? DEFAULT_PAGE_SIZE;
  const from = params.from === undefined ? undefined : timestampFrom(params.from, 'from');
  const to = params.to === undefined ? undefined : timestampFrom(params.to, 'to');
  const siteId = params.siteId;

  if (params.cursor !== undefined) {
    const cursor = decodeCursor(context.cursorKey, params.cursor, context.tenantId);
    assertAgrees(cursor, { from, to, siteId });
    return { from: new Date(cursor.from), to: new Date(cursor.to), siteId: cursor.siteId, limit, after: cursor.position };
  }
  const windowEnd = to ?? context.now;
  const windowStart = from ?? new Date(windowEnd.getTime() - context.retentionDays * DAY_MS);
  if (windowStart.getTime() >= windowEnd.getTime()) {
    throw badRequest('INVALID_TIME_WINDOW', '"from" must be earlier than "to".', { parameter: 'from' });
  }
  return { from: windowStart, to: windowEnd, siteId: siteId ?? null, limit };
}

function timestampFrom(text: string, parameter: string): Date {
  const match = TIMESTAMP.exec(text);
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match ?? [];
  const date = new Date(text);
  const calendarDay = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const valid =
    match !== null &&
    !Number.isNaN(date.getTime()) &&
    calendarDay.getUTCDate() === Number(day) &&
    calendarDay.getUTCMonth() === Number(month) - 1 &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    date.getUTCFullYear() >= 1970 &&
    date.getUTCFullYear() <= 9999;
  if (!valid) {
    throw badRequest('INVALID_PARAMETER', `"${parameter}" must be an ISO 8601 timestamp with a time zone (e.g. 2025-01-31T23:00:00Z) or a date.`, {
      parameter,
    });
  }
  return date;
}

function assertAgrees(cursor: CursorState, given: { from?: Date; to?: Date; siteId?: string }): void {
  const disagrees =
    (given.from !== undefined && given.from.toISOString() !== cursor.from) ||
    (given.to !== undefined && given.to.toISOString() !== cursor.to) ||
    (given.siteId !== undefined && given.siteId !== cursor.siteId);
  if (disagrees) {
    throw badRequest('INVALID_CURSOR', 'The cursor continues another listing: send it alone (with limit if you like), or with the same from, to and siteId.');
  }
}
