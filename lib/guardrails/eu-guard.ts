import {
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type PolicyViolation,
  type Stage,
} from 'aws-cdk-lib';
import type { EuRegion } from '../eu-regions.js';
import { requireEuRegions } from './allowed-regions.js';
import { AppTemplates, type TemplateScope } from './app-templates.js';
import { destinationFindings } from './destination-findings.js';
import { edgeFindings } from './edge-findings.js';
import { EU_GUARD_RULES, type EuGuardRule } from './eu-guard-rules.js';
import { RegionProver } from './region-proof.js';

/** Quoted in every violation, so whoever reads a failed synth knows which promise the change would break. */
export const EU_ONLY_CLAUSE =
  'Breaks the EU-only processing clause of the processor agreement: personal data is processed only in the allowed EU regions and is never transferred outside the EU.';

/**
 * Synth-time EU guard, a CDK validation plugin (the mechanism cdk-nag v3 uses
 * too, so both report in one validation report). It reads the synthesized
 * templates of every stack, nested stacks included, and fails synth on
 * anything that could process or store data outside `allowedRegions`.
 * Violations are FATAL: they cannot be acknowledged away.
 */
export class EuGuardPlugin implements IPolicyValidationPlugin {
  readonly name = 'EuGuard';
  readonly ruleIds = Object.values(EU_GUARD_RULES).map((rule) => rule.name);
  readonly allowedRegions: readonly EuRegion[];

  constructor(allowedRegions: readonly string[]) {
    this.allowedRegions = requireEuRegions(allowedRegions);
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const app = new AppTemplates(context);
    const prover = new RegionProver(app, this.allowedRegions);
    const violations: PolicyViolation[] = [];

    for (const scope of app.scopes) {
      const regionProblem = scope.parent === undefined ? this.stackRegionProblem(scope) : undefined;
      if (regionProblem !== undefined) {
        violations.push(this.violation(EU_GUARD_RULES.stackRegion, regionProblem, { constructPath: scope.stackPath, locations: [] }));
      }
      for (const [logicalId, resource] of Object.entries(scope.template.Resources ?? {})) {
        for (const finding of [...edgeFindings(resource, scope, prover), ...destinationFindings(resource, scope, prover)]) {
          violations.push(
            this.violation(finding.rule, finding.message, {
              resourceLogicalId: logicalId,
              templatePath: scope.templatePath,
              locations: [finding.location],
            }),
          );
        }
      }
    }
    return { success: violations.length === 0, violations };
  }

  private stackRegionProblem(scope: TemplateScope): string | undefined {
    if (scope.region === undefined) {
      return `stack ${scope.stackPath} has no resolved region (environment-agnostic), so it could be deployed to any region`;
    }
    if (!(this.allowedRegions as readonly string[]).includes(scope.region)) {
      return `stack ${scope.stackPath} deploys to ${scope.region}, outside the allowed regions`;
    }
    return undefined;
  }

  private violation(rule: EuGuardRule, message: string, resource: PolicyViolation['violatingResources'][number]): PolicyViolation {
    return {
      ruleName: rule.name,
      description: `${capitalize(message)}. ${EU_ONLY_CLAUSE} Allowed regions: ${this.allowedRegions.join(', ')}.`,
      fix: rule.fix,
      severity: 'fatal',
      violatingResources: [resource],
    };
  }
}

/** Registers the EU guard on the app (or a stage): it then checks every stack synthesized below it. */
export function applyEuGuard(app: Stage, allowedRegions: readonly string[]): void {
  Validations.of(app).addPlugins(new EuGuardPlugin(allowedRegions));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
