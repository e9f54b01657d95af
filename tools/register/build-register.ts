import type { AppConfig } from '../../lib/config/app-config.js';
import { TOOL_VERSION } from '../offboarding/tool-version.js';
import { describeRetainedStores, formatDays, type RetainedStore } from '../../lib/retention/retained-stores.js';
import { TemplateIndex, type StackTemplate } from '../../lib/retention/stack-templates.js';
import { processingOperations } from './function-inventory.js';
import { DATA_SUBJECTS, personalDataCategories, purposes } from './processing-description.js';
import { registerResource, type Register, type StoreEntry } from './register-model.js';
import { securityMeasures } from './security-measures.js';
import { servicesUsed } from './service-catalog.js';
import { transfers } from './transfers.js';

export interface RegisterInput {
  readonly config: AppConfig;
  /** The synthesized templates of the app composed from that configuration (synthesizeStackTemplates). */
  readonly stacks: readonly StackTemplate[];
  /** The processor's legal name (not part of the deployment configuration). */
  readonly processorName?: string;
  /** Stamped into the register when given (the CLI does; published copies leave it out to stay stable). */
  readonly generatedAt?: Date;
}

/** Measures that are processes, not resources: stated, not derived from the templates. */
const ORGANISATIONAL_MEASURES: readonly string[] = [
  'Every synth runs cdk-nag (AWS Solutions and NIST 800-53 rev. 5 rule packs); findings fail the build unless acknowledged with a written reason.',
  'The test suite checks the retention of every store, tenant isolation of the data access code, and that this register matches the templates.',
  'Processing only on documented instructions of the controller (processor agreement); data-subject requests are forwarded to the controller.',
  'At the end of the contract the controller chooses export and/or deletion of all its data (npm run offboard), with a report of counts.',
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
    schema: 'eu-ip-enrichment/art30-register/v1',
    ...(input.generatedAt ? { generatedAt: input.generatedAt.toISOString() } : {}),
    generatedFrom: {
      toolVersion: TOOL_VERSION,
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
    processor: {
      name: input.processorName ?? 'The processor operating this deployment (set --processor-name)',
      contacts: config.operationsEmails,
    },
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
        receives: 'Its own enrichment results and recorded visits, through its API key; breach notifications and forwarded data-subject requests, by e-mail to its contacts.',
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
        name: 'Amazon Web Services EMEA SARL (AWS)',
        role: 'Infrastructure sub-processor: hosts and runs every resource below in the listed regions, under the AWS Data Processing Addendum.',
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
