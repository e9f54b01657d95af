import type { ControllerRegisterView } from '../../../lambdas/shared/compliance/controller-register-view.js';

/** A small, complete view for serving tests; content tests use views generated from the real app. */
export function sampleView(tenantId: string, name: string): ControllerRegisterView {
  return {
    schema: 'eu-ip-enrichment/controller-register/v1',
    generatedAt: '2026-11-15T09:30:00.000Z',
    sourceCommit: 'f00dfeed',
    controller: { tenantId, name, contacts: [`dpo@${tenantId}.example`] },
    processor: { name: 'Processor B.V.', address: 'Street 1, Amsterdam', registrationNumber: 'KvK 1', dpo: { name: 'D. P. O.', email: 'dpo@processor.example' }, contacts: ['ops@processor.example'] },
    regions: ['eu-central-1'],
    processing: { purposes: ['Identify the organisation <behind> a visit'], dataSubjects: [{ category: 'Website visitors', description: 'People visiting' }], personalData: [{ category: 'IP address', description: 'in memory', stored: false }] },
    transfers: [{ what: 'Remote access', recipient: 'AWS', countries: 'United States', safeguard: 'SCCs' }],
    technicalMeasures: [{ title: 'Encryption', article32: ['a'], description: 'KMS' }],
    organisationalMeasures: [{ area: 'Incidents', measure: 'Breach register', implementedBy: 'npm run breach' }],
    subProcessors: [{ name: 'AWS', role: 'Infrastructure', services: [{ service: 'AWS Lambda', regions: ['eu-central-1'] }] }],
    retention: [{ store: 'EuEnrichment/VisitsStore/Table', kind: 'DynamoDB table', governedBy: 'personal-data', limitDays: 30, retention: 'TTL', withinLimit: true }],
    instructionWarnings: [],
  };
}
