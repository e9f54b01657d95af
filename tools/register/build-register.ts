import type { AppConfig } from '../../lib/config/app-config.js';
import { TOOL_VERSION } from '../offboarding/tool-version.js';
import { describeRetainedStores, formatDays, type RetainedStore } from '../../lib/retention/retained-stores.js';
import { TemplateIndex, type StackTemplate } from '../../lib/retention/stack-templates.js';
import { processingOperations } from './function-inventory.js';
import { DATA_SUBJECTS, personalDataCategories, purposes } from './processing-description.js';
import { registerResource, type OrganisationalMeasure, type Register, type StoreEntry } from './register-model.js';
import { securityMeasures } from './security-measures.js';
import { servicesUsed } from './service-catalog.js';
import { transfers } from './transfers.js';

export interface RegisterInput {
  readonly config: AppConfig;
  /** The synthesized templates of the app composed from that configuration (synthesizeStackTemplates). */
  readonly stacks: readonly StackTemplate[];
  /** When this copy is generated: every published copy is stamped. */
  readonly generatedAt: Date;
  /** The git commit the templates come from (see source-commit.ts). */
  readonly sourceCommit: string;
}

/** Measures that are processes, not resources: stated, with what carries each out where something does. */
const ORGANISATIONAL_MEASURES: readonly OrganisationalMeasure[] = [
  { area: 'Instructions', measure: 'Processing only on documented instructions of the controller (processor agreement). Configuration a controller asks for that conflicts with the agreement or the purpose is refused at synth with the reason, or synthesised with a warning recorded for and sent to that controller (agreement 2.4).', implementedBy: 'lib/compliance/instruction-review.ts, run by every cdk synth' },
  { area: 'Change control', measure: 'Every synth compares this register with the last published one; a material change (sub-processor or service, region, data category, purpose, retention) is announced to every controller at least three months ahead, and deploying it earlier is refused unless an override is recorded with a name and reason (agreement 12.4).', implementedBy: 'lib/compliance/change-control.ts, npm run change-notice, compliance/change-notices.json' },
  { area: 'Change control', measure: 'Every synth runs cdk-nag (AWS Solutions and NIST 800-53 rev. 5 rule packs) and the EU guard; findings fail the build unless acknowledged in code with a written reason.', implementedBy: 'lib/app.ts' },
  { area: 'Testing (Art. 32(1)(d))', measure: 'The test suite checks the retention of every store, tenant isolation, least privilege by policy evaluation, that no IP address reaches a log line, and that this register matches the templates.', implementedBy: 'test/ (npm test)' },
  { area: 'Access control', measure: "Operators reach data only through their own IAM identities, recorded by the audit trail; auditors use a read-only role that requires MFA, one per controller for that controller's audit evidence.", implementedBy: 'lib/breach/auditor-access.ts, lib/compliance/controller-auditor-access.ts' },
  { area: 'Confidentiality of personnel', measure: "Everyone the processor authorises to operate the service is bound to confidentiality (Art. 28(3)(b)); access is withdrawn when their role ends.", implementedBy: "the processor's personnel procedures (not in this repository)" },
  { area: 'Incidents', measure: 'Suspected incidents alarm the operations team only; a confirmed breach is recorded in a write-once register and notified to each affected controller without undue delay, with the facts of Art. 33(3).', implementedBy: 'npm run breach, lib/breach' },
  { area: 'Data-subject rights', measure: "Requests received by the processor are forwarded to the controller and not answered by the processor; the controller can find and erase a data subject's visits through its API, and each completed erasure is confirmed to the controller in writing (without the address).", implementedBy: 'POST /v1/data-subject-requests, /v1/visitor-data/*' },
  { area: 'Audits (agreement 10)', measure: 'Each quarter the controller may have an evidence pack: its register view, retention and EU checks of the deployed templates, cdk-nag and test results, audit-trail validation, every access to personal data by someone other than the service, its breach records, request and erasure counts.', implementedBy: 'npm run audit-pack' },
  { area: 'Impact assessments (agreement 2.5)', measure: "The processor's contribution to a controller's DPIA is generated from the same model as this register.", implementedBy: 'npm run dpia' },
  { area: 'Sub-processors', measure: 'AWS is the only sub-processor; a new one is a material change announced three months ahead (see change control).', implementedBy: 'lib/compliance/change-control.ts' },
  { area: 'End of contract', measure: 'The controller chooses export and/or deletion of all its data; the processor reports the counts.', implementedBy: 'npm run offboard' },
];

/**
 * Builds the Art. 30(2) register from the configuration and the synthesized templates, so that what
 * it lists (stores, functions, measures, retention, services, regions) is exactly what is deployed.
 */
export function buildRegister(input: RegisterInput): Register {
  const { config } = input;
  const index = new TemplateIndex(input.stacks);
  const stores = describeRetainedStores(index, config);
  return {
    schema: 'eu-ip-enrichment/art30-register/v2',
    generatedAt: input.generatedAt.toISOString(),
    generatedFrom: {
      toolVersion: TOOL_VERSION,
      sourceCommit: input.sourceCommit,
      stacks: input.stacks.map((stack) => ({
        name: stack.stackName,
        region: stack.region,
        resourceCount: Object.keys(stack.template.Resources ?? {}).length,
      })),
      configuration: {
        region: config.region,
        retentionDays: config.retentionDays,
        auditLogRetentionDays: config.auditLogRetentionDays,
        breachRecordRetentionYears: config.breachRecordRetentionYears,
        allowedRegions: config.allowedRegions,
        tenants: config.tenants.map((tenant) => tenant.id),
      },
    },
    processor: { ...config.processor, contacts: config.operationsEmails },
    controllers: config.tenants.map((tenant) => ({ tenantId: tenant.id, name: tenant.name, contacts: tenant.contactEmails })),
    processing: {
      purposes: purposes(stores),
      dataSubjects: DATA_SUBJECTS,
      personalData: personalDataCategories(index, stores),
      operations: processingOperations(index),
    },
    transfers: transfers(index, config),
    securityMeasures: securityMeasures(index, stores),
    organisationalMeasures: ORGANISATIONAL_MEASURES,
    recipients: [
      ...config.tenants.map((tenant) => ({
        recipient: `${tenant.name} (controller, tenant ${tenant.id})`,
        receives: 'Its own enrichment results, recorded visits and register view, through its API key; breach notifications, forwarded data-subject requests, change notices and instruction warnings, by e-mail to its contacts.',
      })),
      {
        recipient: 'Processor operations team',
        receives: 'Operational alarms and incident notices; no visitor data.',
      },
      ...(config.auditorPrincipals.length > 0
        ? [{ recipient: `Auditors (${config.auditorPrincipals.join(', ')})`, receives: 'Read access to the audit trail.' }]
        : []),
    ],
    subProcessors: [
      {
        name: 'Amazon Web Services EMEA SARL (AWS), 38 avenue John F. Kennedy, L-1855 Luxembourg; a subsidiary of Amazon.com, Inc. (United States)',
        role: 'Infrastructure sub-processor: hosts and runs every resource below in the listed regions, under the AWS Data Processing Addendum. Its US parent makes it subject to US law on disclosure (section 3).',
        services: servicesUsed(index),
      },
    ],
    retention: stores.map(storeEntry),
  };
}

function storeEntry(store: RetainedStore): StoreEntry {
  return {
    resource: registerResource(store.resource),
    store: store.store,
    basis: store.basis,
    basisReason: store.basisReason,
    limitDays: store.limitDays,
    retention: describeExpiry(store),
    withinLimit: store.problems.length === 0,
  };
}

function describeExpiry(store: RetainedStore): string {
  const { expiry } = store;
  switch (expiry.kind) {
    case 'after-days':
      return `${formatDays(expiry.days)} (${expiry.how})`;
    case 'item-ttl':
      return `each item expires at its ${expiry.attribute} (DynamoDB TTL), set to the configured ${store.limitDays} days when written`;
    case 'not-stored':
      return expiry.how;
    case 'never':
      return `never expires: ${expiry.why}`;
    case 'unchecked':
      return `unchecked: ${expiry.why}`;
  }
}
