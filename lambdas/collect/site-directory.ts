import { HttpError } from '../shared/http/http-error.js';
import { TENANT_ID_PATTERN } from '../shared/tenants/tenant-id.js';
import { allowedOriginFrom, PUBLISHABLE_KEY_PATTERN, type CollectorSite } from '../shared/sites/site.js';

/**
 * The sites the collector records page views for, by publishable key (COLLECTOR_SITES, built by the
 * stack from the validated configuration). A key found here names one site of one tenant and is good
 * for nothing else: no tenant route accepts it.
 */
export class SiteDirectory {
  private constructor(private readonly byKey: ReadonlyMap<string, CollectorSite>) {}

  static of(sites: Readonly<Record<string, CollectorSite>>): SiteDirectory {
    for (const [key, site] of Object.entries(sites)) {
      const wellFormed =
        PUBLISHABLE_KEY_PATTERN.test(key) &&
        TENANT_ID_PATTERN.test(site.tenantId) &&
        site.allowedOrigins.length > 0 &&
        site.allowedOrigins.every((origin) => allowedOriginFrom(origin) === origin) &&
        Number.isInteger(site.pageViewsPerMinute) &&
        site.pageViewsPerMinute > 0;
      if (!wellFormed) throw new Error('COLLECTOR_SITES holds a site that is not well formed');
    }
    return new SiteDirectory(new Map(Object.entries(sites)));
  }

  /** Parses COLLECTOR_SITES: a JSON object { "<publishableKey>": site }; `{}` when no site is configured. */
  static fromJson(json: string | undefined): SiteDirectory {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json ?? '');
    } catch {
      throw new Error('COLLECTOR_SITES is not set to JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('COLLECTOR_SITES must be a JSON object');
    return SiteDirectory.of(parsed as Record<string, CollectorSite>);
  }

  /** The site of a publishable key, or a 403 that says nothing about which keys exist. */
  siteOf(publishableKey: string): CollectorSite {
    const site = this.byKey.get(publishableKey);
    if (!site) throw new HttpError(403, 'UNKNOWN_SITE_KEY', 'The siteKey is not the publishable key of any site.');
    return site;
  }
}
