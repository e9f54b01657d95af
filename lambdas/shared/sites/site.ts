import { isIP } from 'node:net';

/** What the collector knows of one site (a tenant's website), looked up by the site's publishable key. */
export interface CollectorSite {
  readonly tenantId: string;
  readonly siteId: string;
  /** Normalised origins (`URL.origin`): scheme, host and port, lower case, no trailing slash. */
  readonly allowedOrigins: readonly string[];
  readonly honourGlobalPrivacyControl: boolean;
  readonly honourDoNotTrack: boolean;
  readonly pageViewsPerMinute: number;
}

/** A publishable key: public by design (it sits in the page), so its only job is naming one site. */
export const PUBLISHABLE_KEY_PATTERN = /^pk_[A-Za-z0-9_-]{20,64}$/;

/** `localhost` is allowed over plain http so a site can be tried locally; every other origin is https. */
const LOCAL_HOSTNAME = 'localhost';

/**
 * The origin a site may report from, in canonical form, or undefined when the text is not exactly an
 * origin (a path, query, credentials or trailing slash), is not https (except localhost), or names an IP
 * address (a bare address is no website and may be a person's own device).
 */
export function allowedOriginFrom(text: unknown): string | undefined {
  if (typeof text !== 'string' || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (url.origin === 'null' || url.origin !== text.toLowerCase()) return undefined;
  if (isIpHost(url.hostname)) return undefined;
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === LOCAL_HOSTNAME);
  return secure ? url.origin : undefined;
}

/** A URL hostname that is an IPv4 or (bracketed) IPv6 address. */
export function isIpHost(hostname: string): boolean {
  return isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
}
