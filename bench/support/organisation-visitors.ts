import { ORGANISATION_CLASSIFICATIONS } from '../../lambdas/shared/enrichment/classify.js';
import type { Enricher } from '../../lambdas/shared/enrichment/enricher.js';
import { parsePublicIp } from '../../lambdas/shared/ip/public-ip.js';

/**
 * The addresses on an organisation's network (education or government with the default database):
 * only their visits are stored, so these are the record-visit visitors.
 */
export function organisationVisitors(addresses: readonly string[], enricher: Enricher): string[] {
  const visitors = addresses.filter((ip) => ORGANISATION_CLASSIFICATIONS.has(enricher.enrich(parsePublicIp(ip)).classification));
  if (visitors.length === 0) throw new Error('no address of the sample belongs to an organisation network');
  return visitors;
}
