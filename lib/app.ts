import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { AppConfig } from './config/app-config.js';
import { EnrichmentStack } from './enrichment-stack.js';
import { applyEuGuard } from './guardrails/eu-guard.js';
import { GuardrailStack } from './guardrails/guardrail-stack.js';
import { applyRetentionGuard } from './retention/retention-guard.js';
import { registerDocumentsOfApp, type RegisterDocuments } from '../tools/register/register-documents.js';

export const ENRICHMENT_STACK_NAME = 'EuEnrichment';
export const GUARDRAIL_STACK_NAME = 'EuGuardrails';

export interface BuiltApp {
  readonly app: App;
  readonly enrichment: EnrichmentStack;
  /** Only when config names OUs/accounts to attach the SCP to (it is deployed from the management account). */
  readonly guardrails: GuardrailStack | undefined;
}

export interface ComposeOptions {
  /** The Art. 30 register the stack publishes to the audit bucket; absent: not published. */
  readonly registerDocuments?: RegisterDocuments;
  /** The EU guard, the retention guard and the cdk-nag packs. Off only for the draft the register is read from. @default true */
  readonly complianceChecks?: boolean;
}

/**
 * Composes every stack of the app from a validated configuration, with the compliance checks attached:
 * the EU guard and the retention guard (fatal, not acknowledgeable) and the cdk-nag AwsSolutions and
 * NIST 800-53 rev 5 packs.
 */
export function composeApp(app: App, config: AppConfig, databasePath: string, options: ComposeOptions = {}): BuiltApp {
  const env = { account: config.account, region: config.region };
  const enrichment = new EnrichmentStack(app, ENRICHMENT_STACK_NAME, {
    env,
    config,
    databasePath,
    registerDocuments: options.registerDocuments,
  });
  const guardrails =
    config.guardrailTargets.length > 0
      ? new GuardrailStack(app, GUARDRAIL_STACK_NAME, {
          targetIds: config.guardrailTargets,
          allowedRegions: config.allowedRegions,
          breakGlass:
            config.breakGlassRoleArnPattern === undefined || config.breakGlassAdministratorArn === undefined
              ? undefined
              : { roleArnPattern: config.breakGlassRoleArnPattern, administratorArn: config.breakGlassAdministratorArn },
        })
      : undefined;
  if (options.complianceChecks ?? true) {
    applyEuGuard(app, config.allowedRegions);
    applyRetentionGuard(app, config);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  }
  return { app, enrichment, guardrails };
}

/** Stand-in documents: the draft has every resource the deployed app has, the register's upload included. */
const DRAFT_DOCUMENTS: RegisterDocuments = { 'register.json': '{}\n', 'register.md': '(draft)\n' };

/** The app as deployed, publishing placeholder documents: the templates the register is generated from. */
export function composeRegisterDraft(app: App, config: AppConfig, databasePath: string): BuiltApp {
  return composeApp(app, config, databasePath, { registerDocuments: DRAFT_DOCUMENTS, complianceChecks: false });
}

/**
 * An empty app with the same context as `app`, for the register draft. The register reads resources, roles and
 * settings, never function code, so the draft skips bundling: each function is bundled once per synth.
 */
export function registerDraftApp(app: App, outdir: string): App {
  return new App({ context: app.node.getAllContext(), postCliContext: { [BUNDLING_STACKS]: [] }, outdir });
}

/**
 * What `cdk synth` builds: the register is generated from a draft of the very same app, then published
 * by the real one, so the register in the audit bucket describes exactly what is deployed.
 */
export function composeAppPublishingRegister(app: App, config: AppConfig, databasePath: string): BuiltApp {
  const outdir = mkdtempSync(path.join(tmpdir(), 'register-draft-'));
  try {
    const draft = registerDraftApp(app, outdir);
    composeRegisterDraft(draft, config, databasePath);
    const { stacks: _templates, ...documents } = registerDocumentsOfApp(draft, config, { processorName: config.processorName });
    return composeApp(app, config, databasePath, { registerDocuments: documents });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
