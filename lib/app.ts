import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { AppConfig } from './config/app-config.js';
import { EnrichmentStack } from './enrichment-stack.js';
import { applyEuGuard } from './guardrails/eu-guard.js';
import { GuardrailStack } from './guardrails/guardrail-stack.js';

export const ENRICHMENT_STACK_NAME = 'EuEnrichment';
export const GUARDRAIL_STACK_NAME = 'EuGuardrails';

export interface BuiltApp {
  readonly app: App;
  readonly enrichment: EnrichmentStack;
  /** Only when config names OUs/accounts to attach the SCP to (it is deployed from the management account). */
  readonly guardrails: GuardrailStack | undefined;
}

/**
 * Composes every stack of the app from a validated configuration, with the compliance checks attached:
 * the EU guard (fatal, not acknowledgeable) and the cdk-nag AwsSolutions and NIST 800-53 rev 5 packs.
 */
export function composeApp(app: App, config: AppConfig, databasePath: string): BuiltApp {
  const env = { account: config.account, region: config.region };
  const enrichment = new EnrichmentStack(app, ENRICHMENT_STACK_NAME, { env, config, databasePath });
  const guardrails =
    config.guardrailTargets.length > 0
      ? new GuardrailStack(app, GUARDRAIL_STACK_NAME, {
          targetIds: config.guardrailTargets,
          allowedRegions: config.allowedRegions,
          breakGlassRoleArnPattern: config.breakGlassRoleArnPattern,
        })
      : undefined;
  applyEuGuard(app, config.allowedRegions);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return { app, enrichment, guardrails };
}
