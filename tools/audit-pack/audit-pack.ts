import type { OffboardReport } from '../offboarding/offboard.js';
import type { LiveEvidence } from './live-evidence.js';
import type { Quarter } from './quarter.js';
import type { TemplateEvidence } from './template-evidence.js';

/** Test results of the deployed commit, as `vitest run --reporter=json` writes them. */
export interface TestSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly source: string;
}

/** The quarterly audit evidence pack of one controller (agreement 10): report.json. */
export interface AuditPack {
  readonly schema: 'eu-ip-enrichment/audit-pack/v1';
  readonly tenantId: string;
  readonly quarter: { readonly label: string; readonly start: string; readonly end: string };
  readonly generatedAt: string;
  /** Which sections came from the synthesized templates (offline) and which from the account. */
  readonly sources: { readonly templates: string; readonly account: string };
  readonly templates: TemplateEvidence;
  readonly tests: TestSummary | { readonly unavailable: string };
  /** Absent when the pack was made offline (no credentials). */
  readonly account: LiveEvidence | { readonly unavailable: string };
  readonly offboardingReports: readonly OffboardReport[];
}

export interface AuditPackInput {
  readonly tenantId: string;
  readonly quarter: Quarter;
  readonly generatedAt: Date;
  readonly templates: TemplateEvidence;
  readonly tests: AuditPack['tests'];
  readonly account: AuditPack['account'];
  readonly offboardingReports: readonly OffboardReport[];
}

export function assembleAuditPack(input: AuditPackInput): AuditPack {
  return {
    schema: 'eu-ip-enrichment/audit-pack/v1',
    tenantId: input.tenantId,
    quarter: { label: input.quarter.label, start: input.quarter.start.toISOString(), end: input.quarter.end.toISOString() },
    generatedAt: input.generatedAt.toISOString(),
    sources: {
      templates: `synthesized offline from source commit ${input.templates.sourceCommit}`,
      account: 'unavailable' in input.account ? `not read: ${input.account.unavailable}` : 'read from the deployed account (S3: audit trail bucket, breach register)',
    },
    templates: input.templates,
    tests: input.tests,
    account: input.account,
    offboardingReports: input.offboardingReports.filter((report) => report.tenant === input.tenantId),
  };
}

/** Counts of a `vitest --reporter=json` result file (Jest-compatible fields). */
export function testSummaryOf(json: unknown, source: string): TestSummary {
  const result = json as { numPassedTests?: unknown; numFailedTests?: unknown; numPendingTests?: unknown; numTodoTests?: unknown };
  if (typeof result.numPassedTests !== 'number' || typeof result.numFailedTests !== 'number') throw new Error(`${source} is not a vitest JSON report`);
  return { passed: result.numPassedTests, failed: result.numFailedTests, skipped: Number(result.numPendingTests ?? 0) + Number(result.numTodoTests ?? 0), source };
}
