import { CLASSIFICATIONS, ORGANISATION_CLASSIFICATIONS } from '../../lambdas/shared/enrichment/classify.js';
import type { AppConfig, TenantConfig } from '../config/app-config.js';

/**
 * Longest visit retention the purpose (following up business visits) is taken to need without a
 * reason; longer is a judgement: accepted with a warning to the controller.
 */
export const PURPOSE_RETENTION_DAYS = 90;
/** Beyond this no B2B follow-up purpose justifies keeping visits: refused. */
export const MAX_INSTRUCTED_RETENTION_DAYS = 395;

export interface InstructionFinding {
  readonly tenantId: string;
  readonly instruction: string;
  readonly reason: string;
}

export interface InstructionReview {
  /** Conflicts with the agreement or the purpose: synth refuses. */
  readonly refused: readonly InstructionFinding[];
  /** Judgements: synthesised, recorded for the controller and sent to it (npm run change-notice -- send). */
  readonly warnings: readonly InstructionFinding[];
}

export class InstructionConflictError extends Error {
  constructor(readonly refused: readonly InstructionFinding[]) {
    super(
      'Instructions that conflict with the processor agreement (agreement 2.4): refused\n' +
        refused.map((f) => `  - ${f.tenantId}: ${f.instruction}: ${f.reason}`).join('\n'),
    );
    this.name = 'InstructionConflictError';
  }
}

/** Reviews every controller's recorded instructions against the agreement, the purpose and the deployment. */
export function reviewInstructions(config: Pick<AppConfig, 'tenants' | 'retentionDays' | 'region' | 'allowedRegions'>): InstructionReview {
  const findings = config.tenants.map((tenant) => reviewTenant(tenant, config));
  return { refused: findings.flatMap((f) => f.refused), warnings: findings.flatMap((f) => f.warnings) };
}

/** Throws InstructionConflictError when any instruction is refused; returns the warnings otherwise. */
export function assertInstructionsAcceptable(config: Parameters<typeof reviewInstructions>[0]): readonly InstructionFinding[] {
  const review = reviewInstructions(config);
  if (review.refused.length > 0) throw new InstructionConflictError(review.refused);
  return review.warnings;
}

function reviewTenant(tenant: TenantConfig, config: Parameters<typeof reviewInstructions>[0]): InstructionReview {
  const refused: InstructionFinding[] = [];
  const warnings: InstructionFinding[] = [];
  const finding = (instruction: string, reason: string) => ({ tenantId: tenant.id, instruction, reason });
  const { storeVisitsFrom, retentionDays, regions } = tenant.instructions;

  for (const network of storeVisitsFrom ?? []) {
    if (!(CLASSIFICATIONS as readonly string[]).includes(network)) {
      refused.push(finding(`storeVisitsFrom ${network}`, `not a network classification (${CLASSIFICATIONS.join(', ')})`));
    } else if (!ORGANISATION_CLASSIFICATIONS.has(network as never)) {
      refused.push(
        finding(
          `storeVisitsFrom ${network}`,
          `visits from ${network} networks are visits of private individuals, not of organisations: storing them conflicts with the purpose (B2B visit identification) and the agreement; only ${[...ORGANISATION_CLASSIFICATIONS].join(', ')} are stored`,
        ),
      );
    }
  }

  if (retentionDays !== undefined) {
    if (retentionDays > MAX_INSTRUCTED_RETENTION_DAYS) {
      refused.push(finding(`retentionDays ${retentionDays}`, `longer than any B2B follow-up needs (at most ${MAX_INSTRUCTED_RETENTION_DAYS} days): conflicts with storage limitation (Art. 5(1)(e))`));
    } else if (retentionDays < config.retentionDays) {
      refused.push(finding(`retentionDays ${retentionDays}`, `the deployment keeps visits ${config.retentionDays} days, longer than this controller instructs: lower retentionDays to ${retentionDays} or less`));
    } else if (retentionDays > PURPOSE_RETENTION_DAYS) {
      warnings.push(finding(`retentionDays ${retentionDays}`, `longer than the ${PURPOSE_RETENTION_DAYS} days the purpose usually needs; accepted on the controller's responsibility, it should document why (Art. 5(2))`));
    }
  }

  if (regions !== undefined) {
    if (!regions.includes(config.region)) {
      refused.push(finding(`regions ${regions.join(', ')}`, `the service runs in ${config.region} only (agreement: processing location)`));
    }
    const wider = config.allowedRegions.filter((region) => !regions.includes(region));
    if (regions.includes(config.region) && wider.length > 0) {
      warnings.push(finding(`regions ${regions.join(', ')}`, `the guardrail also allows ${wider.join(', ')}; nothing of this service runs there, but the controller's list is narrower`));
    }
  }
  return { refused, warnings };
}
