import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from '../shared/http/json-body.js';
import type { CollectorSite } from '../shared/sites/site.js';

/** Why a well-formed page view is answered 204 and not recorded. */
export type NotRecordedReason = 'GLOBAL_PRIVACY_CONTROL' | 'DO_NOT_TRACK' | 'AUTOMATED_AGENT';

/**
 * Crawlers, link previewers, monitors, HTTP libraries and headless browsers: no person, so no visit.
 * Matched on the User-Agent they send about themselves (one that lies is not caught; it is the
 * organisation filter and the rate limits that bound it).
 */
const AUTOMATED_AGENT =
  /bot\b|bot\/|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|webdriver|lighthouse|pagespeed|pingdom|uptime|monitor|preview|facebookexternalhit|embedly|bingpreview|curl\/|wget\/|python-|java\/|okhttp|go-http-client|axios\/|node-fetch|undici|libwww|httpclient/i;

export function isAutomatedAgent(userAgent: string | undefined): boolean {
  return userAgent === undefined || userAgent.trim() === '' || AUTOMATED_AGENT.test(userAgent);
}

/** The visitor's objection (a privacy signal the site honours) or an automated agent, if either applies. */
export function notRecordedReason(headers: APIGatewayProxyEvent['headers'], site: CollectorSite): NotRecordedReason | undefined {
  if (site.honourGlobalPrivacyControl && headerValue(headers, 'sec-gpc')?.trim() === '1') return 'GLOBAL_PRIVACY_CONTROL';
  if (site.honourDoNotTrack && headerValue(headers, 'dnt')?.trim() === '1') return 'DO_NOT_TRACK';
  if (isAutomatedAgent(headerValue(headers, 'user-agent'))) return 'AUTOMATED_AGENT';
  return undefined;
}
