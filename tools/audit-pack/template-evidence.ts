import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { ControllerRegisterView } from '../../lambdas/shared/compliance/controller-register-view.js';
import { composeAppPublishingRegister } from '../../lib/app.js';
import { reviewInstructions } from '../../lib/compliance/instruction-review.js';
import type { AppConfig } from '../../lib/config/app-config.js';
import { findRetentionViolations } from '../../lib/retention/find-retention-violations.js';
import { synthesizeStackTemplates } from '../../lib/retention/stack-templates.js';
import { controllerView } from '../register/controller-view.js';

export interface ComplianceFinding {
  readonly pack: string;
  readonly rule: string;
  readonly resource: string;
}

/** What the audit pack takes from the synthesized app: offline, no AWS call. */
export interface TemplateEvidence {
  readonly sourceCommit: string;
  readonly registerView: ControllerRegisterView;
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly region: string | undefined; readonly resources: number }>;
  readonly retention: { readonly storesChecked: number; readonly violations: ReadonlyArray<{ readonly resource: string; readonly problem: string }> };
  /** The EU guard, the retention guard and the cdk-nag packs (AwsSolutions, NIST 800-53 rev 5): findings nobody acknowledged. */
  readonly checks: { readonly packs: readonly string[]; readonly unacknowledged: readonly ComplianceFinding[] };
}

/**
 * Composes and synthesizes the app as `cdk synth` does (register draft, then the app with the EU guard
 * and cdk-nag) for one controller, and runs the retention check over its templates.
 */
export function templateEvidence(context: Record<string, unknown>, config: AppConfig, databasePath: string, tenantId: string, stamp: { generatedAt: Date; sourceCommit: string }): TemplateEvidence {
  const outdir = mkdtempSync(path.join(tmpdir(), 'audit-pack-'));
  try {
    const app = new App({ context, outdir });
    const built = composeAppPublishingRegister(app, config, databasePath, { clock: () => stamp.generatedAt, sourceCommit: stamp.sourceCommit });
    let stacks: ReturnType<typeof synthesizeStackTemplates> = [];
    try {
      stacks = synthesizeStackTemplates(app);
    } catch {
      // Unacknowledged findings fail synthesis; the validation report lists them.
    }
    const reportFile = path.join(outdir, 'validation-report.json');
    const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport) : { pluginReports: [] };
    const violations = findRetentionViolations(stacks, config);
    return {
      sourceCommit: stamp.sourceCommit,
      registerView: controllerView(built.register, tenantId, reviewInstructions(config).warnings),
      stacks: stacks.map((s) => ({ name: s.stackName, region: s.region, resources: Object.keys(s.template.Resources ?? {}).length })),
      retention: {
        storesChecked: built.register.retention.length,
        violations: violations.map((v) => ({ resource: v.resource.constructPath ?? v.resource.logicalId, problem: v.message })),
      },
      checks: {
        packs: ['EuGuard', 'RetentionGuard', 'AwsSolutions', 'NIST.800.53.R5'],
        unacknowledged: report.pluginReports.flatMap((plugin) =>
          plugin.violations.flatMap((violation) => violation.violatingConstructs.map((c) => ({ pack: plugin.summary?.pluginName ?? 'unknown', rule: violation.ruleName, resource: c.constructPath }))),
        ),
      },
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly summary?: { readonly pluginName?: string };
    readonly violations: ReadonlyArray<{ readonly ruleName: string; readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }> }>;
  }>;
}
