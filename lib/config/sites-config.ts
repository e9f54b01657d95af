import { isIP } from 'node:net';
import { allowedOriginFrom, PUBLISHABLE_KEY_PATTERN, type CollectorSite } from '../../lambdas/shared/sites/site.js';
import openapi from '../api/openapi.json' with { type: 'json' };
import type { SiteConfig, TenantConfig } from './app-config.js';
import { integerIn } from './config-values.js';

export const SITE_DEFAULTS = {
  honourGlobalPrivacyControl: true,
  honourDoNotTrack: true,
  pageViewsPerMinute: 600,
} as const;

/** A site id as the visits API takes it (RecordVisitRequest's siteId in lib/api/openapi.json). */
const SITE_ID_PATTERN = new RegExp(openapi.components.schemas.RecordVisitRequest.properties.siteId.pattern);

const KNOWN = new Set(['siteId', 'publishableKey', 'allowedOrigins', 'honourGlobalPrivacyControl', 'honourDoNotTrack', 'pageViewsPerMinute']);

/**
 * Validates one tenant's `sites`. `publishableKeys` is shared by all tenants of the configuration, so a
 * key can never name two sites.
 */
export function sitesFrom(value: unknown, where: string, publishableKeys: Set<string>, problems: string[]): SiteConfig[] {
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list of sites`);
    return [];
  }
  const siteIds = new Set<string>();
  return value.map((raw, i): SiteConfig => {
    const at = `${where}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${at}: must be an object`);
      return raw as SiteConfig;
    }
    const site = raw as Record<string, unknown>;
    for (const key of Object.keys(site)) if (!KNOWN.has(key)) problems.push(`${at}.${key}: unknown setting`);

    if (typeof site.siteId !== 'string' || !SITE_ID_PATTERN.test(site.siteId) || isIP(site.siteId) !== 0) {
      problems.push(`${at}.siteId: must be 1–100 letters, digits, dots, colons, underscores or dashes and not an IP address, got ${JSON.stringify(site.siteId)}`);
    } else if (siteIds.has(site.siteId)) {
      problems.push(`${at}.siteId: duplicate site id ${site.siteId}`);
    } else {
      siteIds.add(site.siteId);
    }

    if (typeof site.publishableKey !== 'string' || !PUBLISHABLE_KEY_PATTERN.test(site.publishableKey)) {
      problems.push(`${at}.publishableKey: must be pk_ followed by 20–64 letters, digits, _ or - (generate one with: node -e "console.log('pk_'+crypto.randomBytes(24).toString('base64url'))")`);
    } else if (publishableKeys.has(site.publishableKey)) {
      problems.push(`${at}.publishableKey: already the key of another site; every site needs its own`);
    } else {
      publishableKeys.add(site.publishableKey);
    }

    return {
      siteId: site.siteId as string,
      publishableKey: site.publishableKey as string,
      allowedOrigins: originsFrom(site.allowedOrigins, `${at}.allowedOrigins`, problems),
      honourGlobalPrivacyControl: booleanFrom(site.honourGlobalPrivacyControl, SITE_DEFAULTS.honourGlobalPrivacyControl, `${at}.honourGlobalPrivacyControl`, problems),
      honourDoNotTrack: booleanFrom(site.honourDoNotTrack, SITE_DEFAULTS.honourDoNotTrack, `${at}.honourDoNotTrack`, problems),
      pageViewsPerMinute: integerIn(site.pageViewsPerMinute ?? SITE_DEFAULTS.pageViewsPerMinute, 1, 100_000, `${at}.pageViewsPerMinute`, problems),
    };
  });
}

function originsFrom(value: unknown, at: string, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${at}: must be a non-empty list of origins such as https://www.example.com`);
    return [];
  }
  return value.map((origin, i) => {
    const canonical = allowedOriginFrom(origin);
    if (canonical === undefined) {
      problems.push(
        `${at}[${i}]: must be an origin alone (scheme, host, optional port; no path or trailing slash), https except ` +
          `http://localhost, and not an IP address, got ${JSON.stringify(origin)}`,
      );
    }
    return canonical ?? String(origin);
  });
}

function booleanFrom(value: unknown, fallback: boolean, at: string, problems: string[]): boolean {
  const parsed = value === 'true' ? true : value === 'false' ? false : (value ?? fallback);
  if (typeof parsed !== 'boolean') {
    problems.push(`${at}: must be true or false, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return parsed;
}

/** Publishable key → site, for the collector function's COLLECTOR_SITES (and the local server). */
export function collectorSitesByKey(tenants: readonly TenantConfig[]): Record<string, CollectorSite> {
  return Object.fromEntries(
    tenants.flatMap((tenant) =>
      tenant.sites.map(({ publishableKey, ...site }) => [publishableKey, { tenantId: tenant.id, ...site }] as const),
    ),
  );
}
