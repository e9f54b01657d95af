import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBreachTestStack } from './support/breach-test-stack.js';

interface Finding {
  readonly rule: string;
  readonly path: string;
}

/** Construct paths of the breach constructs (and the route they add to the API). */
const OURS = [/^BreachTest\/(Register|AlertTopics|Reporting|Auditors|Alarms)\//, /\/operator\/breaches\//];

let outdir: string;
let findings: Finding[];

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'breach-nag-'));
  const { app } = buildBreachTestStack(outdir);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  try {
    app.synth();
  } catch {
    // Unacknowledged findings fail synthesis; the report file lists them.
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  findings = report.pluginReports.flatMap((plugin: any) =>
    plugin.violations.flatMap((violation: any) => violation.violatingConstructs.map((c: any) => ({ rule: violation.ruleName, path: c.constructPath }))),
  );
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('runs the AwsSolutions and NIST 800-53 rev 5 packs (the stand-in API around the constructs has findings of its own)', () => {
  expect(findings.some((finding) => finding.path.startsWith('BreachTest/Api/') && !OURS.some((ours) => ours.test(finding.path)))).toBe(true);
});

it('leaves no unacknowledged AwsSolutions or NIST 800-53 rev 5 finding in the breach constructs', () => {
  expect(findings.filter((finding) => OURS.some((ours) => ours.test(finding.path)))).toEqual([]);
});
