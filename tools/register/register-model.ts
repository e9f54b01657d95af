import type { RetentionBasis } from '../../lib/retention/retention-limits.js';
import type { ResourceRef } from '../../lib/retention/stack-templates.js';
import type { ProcessorIdentity } from '../../lib/config/app-config.js';

/** The record of processing activities (GDPR Art. 30(2)) as data: register.json; register.md renders it. */
export interface Register {
  readonly schema: 'eu-ip-enrichment/art30-register/v2';
  /** When this copy was generated (the synth that published it, or the CLI run). */
  readonly generatedAt: string;
  readonly generatedFrom: {
    readonly toolVersion: string;
    /** The git commit of the source the templates were synthesized from (`+dirty` with uncommitted changes). */
    readonly sourceCommit: string;
    readonly stacks: ReadonlyArray<{ readonly name: string; readonly region: string | undefined; readonly resourceCount: number }>;
    readonly configuration: Readonly<Record<string, unknown>>;
  };
  /** Art. 30(2)(a): name and contact details of the processor and its data protection officer. */
  readonly processor: ProcessorIdentity & { readonly contacts: readonly string[] };
  readonly controllers: ReadonlyArray<{ readonly tenantId: string; readonly name: string; readonly contacts: readonly string[] }>;
  /** Art. 30(2)(b). */
  readonly processing: {
    readonly purposes: readonly string[];
    readonly dataSubjects: ReadonlyArray<{ readonly category: string; readonly description: string }>;
    readonly personalData: readonly PersonalDataCategory[];
    readonly operations: readonly ProcessingOperation[];
  };
  /** Art. 30(2)(c). */
  readonly transfers: {
    /** Where the data is stored and processed: the regions of the stacks. */
    readonly regions: readonly string[];
    /** Transfers, and access under a third country's law, that can happen although nothing is stored outside the EU. */
    readonly thirdCountryTransfers: readonly ThirdCountryTransfer[];
    readonly safeguards: readonly string[];
  };
  /** Art. 30(2)(d) with Art. 32(1). */
  readonly securityMeasures: readonly SecurityMeasure[];
  readonly organisationalMeasures: readonly OrganisationalMeasure[];
  readonly recipients: ReadonlyArray<{ readonly recipient: string; readonly receives: string }>;
  readonly subProcessors: ReadonlyArray<{
    readonly name: string;
    readonly role: string;
    readonly services: ReadonlyArray<{ readonly service: string; readonly regions: readonly string[]; readonly resourceTypes: readonly string[] }>;
  }>;
  /** Art. 30(1)(f): the time limits for erasure, store by store. */
  readonly retention: readonly StoreEntry[];
}

export interface ThirdCountryTransfer {
  readonly what: string;
  /** Who receives or may access the data, and where. */
  readonly recipient: string;
  readonly countries: string;
  /** Art. 44–49 basis or safeguard, or why none applies. */
  readonly safeguard: string;
}

export interface OrganisationalMeasure {
  readonly area: string;
  readonly measure: string;
  /** The tool, test or document that carries it out, when there is one in this repository. */
  readonly implementedBy: string;
}

export interface RegisterResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly path: string | undefined;
}

export interface PersonalDataCategory {
  readonly category: string;
  readonly description: string;
  /** Where it rests, if anywhere (attribute names in the visits table, or a store). */
  readonly storedAs: readonly string[];
}

export interface ProcessingOperation {
  readonly function: RegisterResource;
  readonly description: string;
  readonly routes: readonly string[];
  /** What the function's role may do, on which resources of the templates. */
  readonly access: ReadonlyArray<{ readonly actions: readonly string[]; readonly resources: readonly RegisterResource[] }>;
}

export type SecurityMeasureId =
  | 'customer-managed-keys-with-rotation'
  | 'encryption-at-rest-customer-managed-key'
  | 'tls-only-resource-policies'
  | 'https-only-regional-api'
  | 'object-lock'
  | 'block-public-access'
  | 'web-application-firewall'
  | 'api-keys-and-usage-plans'
  | 'scoped-function-permissions'
  | 'audit-trail'
  | 'access-logs-without-client-ip'
  | 'point-in-time-recovery'
  | 'deletion-protection'
  | 'pseudonymisation'
  | 'retention-enforced'
  | 'region-deny-guardrail';

export interface SecurityMeasure {
  readonly id: SecurityMeasureId;
  /** Which Art. 32(1) point it serves: (a) pseudonymisation/encryption, (b) CIA and resilience, (c) restore, (d) testing. */
  readonly article32: ReadonlyArray<'a' | 'b' | 'c' | 'd'>;
  readonly title: string;
  readonly description: string;
  /** The deployed resources that implement it. */
  readonly evidence: readonly RegisterResource[];
}

export interface StoreEntry {
  readonly resource: RegisterResource;
  readonly store: string;
  readonly basis: RetentionBasis;
  readonly basisReason: string;
  readonly limitDays: number;
  readonly retention: string;
  readonly withinLimit: boolean;
}

export function registerResource(ref: ResourceRef): RegisterResource {
  return { stack: ref.stackName, logicalId: ref.logicalId, type: ref.type, path: ref.constructPath };
}
