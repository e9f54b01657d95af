import { EU_REGIONS, isEuRegion, type EuRegion } from '../eu-regions.js';

/**
 * Defence in depth behind lib/config/load-config.ts: every guardrail re-checks
 * its own region list, so a caller that bypasses the config loader can narrow
 * the EU list but never widen it. Returns the list without duplicates.
 */
export function requireEuRegions(regions: readonly string[]): readonly EuRegion[] {
  if (regions.length === 0) {
    throw new Error(`allowedRegions: at least one EU region is required (allowed: ${EU_REGIONS.join(', ')})`);
  }
  const outside = regions.filter((region) => !isEuRegion(region));
  if (outside.length > 0) {
    throw new Error(
      `allowedRegions: ${outside.map((r) => JSON.stringify(r)).join(', ')} not an AWS region in the EU ` +
        `(allowed: ${EU_REGIONS.join(', ')}); the list may be narrowed, never widened`,
    );
  }
  return [...new Set(regions)] as EuRegion[];
}
