/**
 * What one controller sees of the Art. 30 register (agreement 2.6): the processor, itself, the
 * processing, transfers, measures, sub-processors, retention and region — and nothing about the other
 * controllers. Built by tools/register/controller-view.ts at synth, published to the audit bucket and
 * served by GET /v1/compliance/register.
 */
export interface ControllerRegisterView {
  readonly schema: 'eu-ip-enrichment/controller-register/v1';
  readonly generatedAt: string;
  readonly sourceCommit: string;
  readonly controller: { readonly tenantId: string; readonly name: string; readonly contacts: readonly string[] };
  readonly processor: {
    readonly name: string;
    readonly address: string;
    readonly registrationNumber: string;
    readonly dpo: { readonly name: string; readonly email: string };
    readonly contacts: readonly string[];
  };
  readonly regions: readonly string[];
  readonly processing: {
    readonly purposes: readonly string[];
    readonly dataSubjects: ReadonlyArray<{ readonly category: string; readonly description: string }>;
    readonly personalData: ReadonlyArray<{ readonly category: string; readonly description: string; readonly stored: boolean }>;
  };
  readonly transfers: ReadonlyArray<{ readonly what: string; readonly recipient: string; readonly countries: string; readonly safeguard: string }>;
  readonly technicalMeasures: ReadonlyArray<{ readonly title: string; readonly article32: readonly string[]; readonly description: string }>;
  readonly organisationalMeasures: ReadonlyArray<{ readonly area: string; readonly measure: string; readonly implementedBy: string }>;
  readonly subProcessors: ReadonlyArray<{ readonly name: string; readonly role: string; readonly services: ReadonlyArray<{ readonly service: string; readonly regions: readonly string[] }> }>;
  readonly retention: ReadonlyArray<{ readonly store: string; readonly kind: string; readonly governedBy: string; readonly limitDays: number; readonly retention: string; readonly withinLimit: boolean }>;
  /** Instructions of this controller that were accepted with a warning (agreement 2.4). */
  readonly instructionWarnings: readonly string[];
}

/** Where the stack publishes a controller's view in the audit bucket, under the register prefix. */
export function controllerViewKey(tenantId: string): string {
  return `controllers/${tenantId}/register.json`;
}
