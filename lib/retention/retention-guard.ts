import * as path from 'node:path';
import {
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type Stage,
} from 'aws-cdk-lib';
import { findRetentionViolations } from './find-retention-violations.js';
import type { RetentionLimits } from './retention-limits.js';
import { stackTemplatesIn } from './stack-templates.js';

export const RETENTION_RULE = 'StoreRetentionWithinPolicy';

/** Quoted in every violation, so whoever reads a failed synth knows which promise the change would break. */
export const RETENTION_CLAUSE =
  'Every store of personal data must expire it within the configured retention (storage limitation, GDPR Art. 5(1)(e), and the processor agreement).';

/**
 * Synth-time retention guard, a CDK validation plugin beside the EU guard and cdk-nag: `cdk synth` refuses an
 * app in which any store (log group, table, bucket, queue, …) could keep personal data longer than its configured
 * retention, or forever. Violations are fatal: a store without retention cannot be acknowledged away.
 */
export class RetentionGuardPlugin implements IPolicyValidationPlugin {
  readonly name = 'RetentionGuard';
  readonly ruleIds = [RETENTION_RULE];

  constructor(private readonly limits: RetentionLimits) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const first = context.stackTemplates[0];
    if (first === undefined) return { success: true, violations: [] };
    const assemblyDirectory = path.dirname(first.templatePath);
    const stacks = stackTemplatesIn(context.appConstruct, assemblyDirectory);
    const templateFiles = new Map(stacks.map((stack) => [stack.stackName, stack.templateFile ?? '']));
    const violations = findRetentionViolations(stacks, this.limits).map((violation) => ({
      ruleName: RETENTION_RULE,
      description: `${violation.problem}. ${RETENTION_CLAUSE}`,
      fix: 'Give the store an expiry within the configured retention (RetainedLogGroup for log groups; TTL, lifecycle rules or retention periods elsewhere).',
      severity: 'fatal' as const,
      violatingResources: [
        {
          resourceLogicalId: violation.resource.logicalId,
          templatePath: path.join(assemblyDirectory, templateFiles.get(violation.resource.stackName) ?? ''),
          locations: [],
        },
      ],
    }));
    return { success: violations.length === 0, violations };
  }
}

/** Registers the retention guard on the app (or a stage): it then checks every stack synthesized below it. */
export function applyRetentionGuard(app: Stage, limits: RetentionLimits): void {
  Validations.of(app).addPlugins(new RetentionGuardPlugin(limits));
}
