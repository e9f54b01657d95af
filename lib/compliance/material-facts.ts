import type { Register } from '../../tools/register/register-model.js';

/**
 * What agreement 12.4 makes a material change: who processes (sub-processors and the services they
 * run), where (regions), what (data categories), why (purposes) and how long (retention).
 */
export interface MaterialFacts {
  readonly subProcessors: readonly string[];
  readonly services: readonly string[];
  readonly regions: readonly string[];
  readonly dataCategories: readonly string[];
  readonly purposes: readonly string[];
  readonly retention: Readonly<Record<string, number>>;
}

export type MaterialKind = 'sub-processor' | 'service' | 'region' | 'data-category' | 'purpose' | 'retention';

export interface MaterialChange {
  /** Stable identity of the change, e.g. `service added: Amazon SQS`, matched against recorded notices. */
  readonly key: string;
  readonly kind: MaterialKind;
  readonly description: string;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

export function materialFacts(register: Register): MaterialFacts {
  const services = register.subProcessors.flatMap((s) => s.services);
  const configuration = register.generatedFrom.configuration;
  return {
    subProcessors: sorted(register.subProcessors.map((s) => s.name)),
    services: sorted(services.map((s) => s.service)),
    regions: sorted([...register.transfers.regions, ...services.flatMap((s) => s.regions)]),
    dataCategories: sorted(register.processing.personalData.map((c) => c.category)),
    purposes: sorted(register.processing.purposes),
    retention: {
      retentionDays: Number(configuration.retentionDays),
      auditLogRetentionDays: Number(configuration.auditLogRetentionDays),
      breachRecordRetentionYears: Number(configuration.breachRecordRetentionYears),
    },
  };
}

const LIST_KINDS: ReadonlyArray<[keyof Omit<MaterialFacts, 'retention'>, MaterialKind, string]> = [
  ['subProcessors', 'sub-processor', 'sub-processor'],
  ['services', 'service', 'service'],
  ['regions', 'region', 'region'],
  ['dataCategories', 'data-category', 'personal data category'],
  ['purposes', 'purpose', 'purpose'],
];

/** The material differences from `before` (the last published register) to `after`. */
export function materialChanges(before: MaterialFacts, after: MaterialFacts): MaterialChange[] {
  const changes: MaterialChange[] = [];
  for (const [field, kind, label] of LIST_KINDS) {
    const old = new Set(before[field]);
    const now = new Set(after[field]);
    for (const value of after[field]) if (!old.has(value)) changes.push({ key: `${kind} added: ${value}`, kind, description: `New ${label}: ${value}` });
    for (const value of before[field]) if (!now.has(value)) changes.push({ key: `${kind} removed: ${value}`, kind, description: `No longer a ${label}: ${value}` });
  }
  for (const setting of sorted([...Object.keys(before.retention), ...Object.keys(after.retention)])) {
    const [was, is] = [before.retention[setting], after.retention[setting]];
    if (was !== is) changes.push({ key: `retention ${setting}: ${was} -> ${is}`, kind: 'retention', description: `Retention ${setting} changes from ${was} to ${is}` });
  }
  return changes;
}
