import type { ControllerRegisterView } from '../../lambdas/shared/compliance/controller-register-view.js';
import type { InstructionFinding } from '../../lib/compliance/instruction-review.js';
import type { Register } from './register-model.js';

/**
 * One controller's view of the register: everything that describes the processing, with the other
 * controllers left out — their names, contacts, and the resources named after their tenant ids
 * (notice topics, API keys, usage plans). Resource evidence is left out entirely: the view describes
 * measures, not the account's layout.
 */
export function controllerView(register: Register, tenantId: string, warnings: readonly InstructionFinding[]): ControllerRegisterView {
  const controller = register.controllers.find((c) => c.tenantId === tenantId);
  if (controller === undefined) throw new Error(`no controller ${tenantId} in the register`);
  const others = register.controllers.filter((c) => c.tenantId !== tenantId);
  const mentionsOther = (text: string) => others.some((o) => new RegExp(`(^|[-/])${o.tenantId}($|[-/])`).test(text) || text.includes(o.name));
  return {
    schema: 'eu-ip-enrichment/controller-register/v1',
    generatedAt: register.generatedAt,
    sourceCommit: register.generatedFrom.sourceCommit,
    controller,
    processor: register.processor,
    regions: register.transfers.regions,
    processing: {
      purposes: register.processing.purposes,
      dataSubjects: register.processing.dataSubjects,
      personalData: register.processing.personalData.map((c) => ({ category: c.category, description: c.description, stored: c.storedAs.length > 0 })),
    },
    transfers: register.transfers.thirdCountryTransfers.map((t) => ({
      ...t,
      // The count of controllers is no business of one controller.
      recipient: t.recipient.replace(/\(\d+ controller\(s\)\)/, '(yours)'),
    })),
    technicalMeasures: register.securityMeasures.map(({ title, article32, description }) => ({ title, article32, description })),
    organisationalMeasures: register.organisationalMeasures,
    subProcessors: register.subProcessors.map((s) => ({ name: s.name, role: s.role, services: s.services.map(({ service, regions }) => ({ service, regions })) })),
    retention: register.retention
      .filter((r) => !mentionsOther(r.resource.path ?? r.resource.logicalId))
      .map((r) => ({
        store: r.resource.path ?? `${r.resource.stack}/${r.resource.logicalId}`,
        kind: r.store,
        governedBy: `${r.basis}: ${r.basisReason}`,
        limitDays: r.limitDays,
        retention: r.retention,
        withinLimit: r.withinLimit,
      })),
    instructionWarnings: warnings.filter((w) => w.tenantId === tenantId).map((w) => `${w.instruction}: ${w.reason}`),
  };
}
