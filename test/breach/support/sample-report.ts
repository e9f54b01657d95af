import type { BreachReport } from '../../../lambdas/breach-shared/report-schema.js';

/** "Now" in every test: reports are dated just before it. */
export const NOW = new Date('2026-11-25T12:00:00.000Z');

/** A complete Art. 33(3) report with distinctive values, so a test can find each one in an e-mail. */
export function sampleReport(overrides: Partial<BreachReport> = {}): BreachReport {
  return {
    reportId: '7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c',
    nature: 'Misconfigured export job wrote visit logs to a bucket readable by a contractor account.',
    dataSubjects: { categories: ['website visitors of the controller'], approximateNumber: 1250 },
    records: { categories: ['pseudonymised visitor keys', 'visit timestamps'], approximateNumber: 48000 },
    contact: { name: 'Ada Example (processor DPO)', email: 'dpo@processor.example', phone: '+31 20 555 0100' },
    likelyConsequences: 'Low: the records are pseudonymised; re-identification needs the HMAC key, which was not exposed.',
    measures: {
      taken: ['Revoked the contractor account access', 'Deleted the exported objects'],
      proposed: ['Add a bucket policy guardrail for export jobs'],
      mitigation: 'Rotated the export credentials and reviewed CloudTrail for further access.',
    },
    occurredAt: '2026-11-24T22:15:00Z',
    detectedAt: '2026-11-25T07:40:00Z',
    affectedTenants: ['acme', 'globex'],
    ...overrides,
  };
}
