import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { AppConfig } from './config/app-config.js';
import { EnrichmentStack } from './enrichment-stack.js';

export const ENRICHMENT_STACK_NAME = 'EuEnrichment';

export interface BuiltApp {
  readonly app: App;
  readonly enrichment: EnrichmentStack;
}

/** Composes every stack of the app from a validated configuration, with the compliance checks attached. */
export function composeApp(app: App, config: AppConfig, databasePath: string): BuiltApp {
  const env = { account: config.account, region: config.region };
  const enrichment = new EnrichmentStack(app, ENRICHMENT_STACK_NAME, { env, config, databasePath });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return { app, enrichment };
}
