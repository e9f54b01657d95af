import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { AppConfig } from './config/app-config.js';
import { EnrichmentStack } from './enrichment-stack.js';
import { warnOfExampleContacts } from './config/example-contacts.js';
import { applyEuGuard } from './guardrails/eu-guard.js';
import { GuardrailStack } from './guardrails/guardrail-stack.js';
import { controllerViewKey } from '../lambdas/shared/compliance/controller-register-view.js';
import { applyRetentionGuard } from './retention/retention-guard.js';
import { registerDocumentsOfApp, type RegisterDocuments } from '../tools/register/register-documents.js';
import type { Register } from '../tools/register/register-model.js';
import { currentSourceCommit } from '../tools/register/source-commit.js';
import { checkChangeControl } from './compliance/change-control.js';
import { DEFAULT_LEDGER_FILE, readLedger, type ChangeLedger } from './compliance/change-ledger.js';
import { assertInstructionsAcceptable } from './compliance/instruction-review.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

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
    warnOfExampleContacts(enrichment, config);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  }
  return { app, enrichment, guardrails };
}

/** Stand-in documents: the draft has every resource the deployed app has, the register's uploads included. */
function draftDocuments(config: AppConfig): RegisterDocuments {
  const files = ['register.json', 'register.md', CHANGE_CONTROL_FILE, ...config.tenants.flatMap((t) => [controllerViewKey(t.id), controllerViewKey(t.id).replace(/\.json$/, '.html')])];
  return Object.fromEntries(files.map((file) => [file, '(draft)\n']));
}

/** The app as deployed, publishing placeholder documents: the templates the register is generated from. */
export function composeRegisterDraft(app: App, config: AppConfig, databasePath: string): BuiltApp {
  return composeApp(app, config, databasePath, { registerDocuments: draftDocuments(config), complianceChecks: false });
}

export interface PublishingOptions {
  /** @default the time of the synth */
  readonly clock?: () => Date;
  /** @default the repository's current commit (tools/register/source-commit.ts) */
  readonly sourceCommit?: string;
  /** The change notices and the last published register's facts. @default compliance/change-notices.json */
  readonly ledger?: ChangeLedger;
}

/** Published beside the register: what changed since the last published one, and under which notice. */
export const CHANGE_CONTROL_FILE = 'change-control.json';

/**
 * An empty app with the same context as `app`, for the register draft. The register reads resources, roles and
 * settings, never function code, so the draft skips bundling: each function is bundled once per synth.
 */
export function registerDraftApp(app: App, outdir: string): App {
  return new App({ context: app.node.getAllContext(), postCliContext: { [BUNDLING_STACKS]: [] }, outdir });
}

/**
 * What `cdk synth` builds: the controllers' instructions are reviewed first (a conflict refuses the
 * synth), then the register is generated from a draft of the very same app, compared with the last
 * published one (a material change must have been announced and be in effect, or overridden on record),
 * and published by the real one, so the register in the audit bucket describes exactly what is deployed.
 */
export function composeAppPublishingRegister(app: App, config: AppConfig, databasePath: string, options: PublishingOptions = {}): BuiltApp & { readonly register: Register } {
  const instructionWarnings = assertInstructionsAcceptable(config);
  const outdir = mkdtempSync(path.join(tmpdir(), 'register-draft-'));
  try {
    const draft = registerDraftApp(app, outdir);
    composeRegisterDraft(draft, config, databasePath);
    const now = (options.clock ?? (() => new Date()))();
    const { register, documents } = registerDocumentsOfApp(draft, config, { generatedAt: now, sourceCommit: options.sourceCommit ?? currentSourceCommit(REPO_ROOT) });
    const changes = checkChangeControl(register, options.ledger ?? readLedger(path.join(REPO_ROOT, DEFAULT_LEDGER_FILE)), now);
    const built = composeApp(app, config, databasePath, {
      registerDocuments: { ...documents, [CHANGE_CONTROL_FILE]: `${JSON.stringify(changes, null, 2)}\n` },
    });
    for (const change of changes.nonMaterial) Annotations.of(built.enrichment).addInfo(`Non-material register change, recorded in ${CHANGE_CONTROL_FILE}: ${change}`);
    for (const warning of instructionWarnings) {
      Annotations.of(built.enrichment).addWarningV2(
        `instruction:${warning.tenantId}`,
        `Instruction of ${warning.tenantId} accepted with a warning (agreement 2.4), shown in its register view: ${warning.instruction}: ${warning.reason}`,
      );
    }
    return { ...built, register };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
