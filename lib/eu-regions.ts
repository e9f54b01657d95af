/**
 * The AWS commercial regions located in EU member states: the only places the
 * processor agreement lets personal data be processed. This list is the single
 * source of truth for the SCP, the synth-time EU guard and the config validator.
 *
 * Deliberately absent, although in Europe: eu-west-2 (London, UK) and
 * eu-central-2 (Zurich, Switzerland) are not in the EU. The AWS European
 * Sovereign Cloud (eusc-de-east-1) is a separate partition, not reachable from
 * a commercial account, and therefore not listed either.
 */
export const EU_REGIONS = [
  'eu-central-1', // Frankfurt, Germany
  'eu-west-1', // Dublin, Ireland
  'eu-west-3', // Paris, France
  'eu-south-1', // Milan, Italy
  'eu-south-2', // Aragón, Spain
  'eu-north-1', // Stockholm, Sweden
] as const;

export type EuRegion = (typeof EU_REGIONS)[number];

/** Where the workload stacks run. */
export const DEPLOYMENT_REGION: EuRegion = 'eu-central-1';

export function isEuRegion(region: string): region is EuRegion {
  return (EU_REGIONS as readonly string[]).includes(region);
}
