import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeStackTemplates } from '../../lib/retention/stack-templates.js';
import { buildDpiaInput, renderDpiaMarkdown, type DpiaInput } from '../../tools/dpia/dpia.js';
import type { Register } from '../../tools/register/register-model.js';
import { registerDocuments } from '../../tools/register/register-documents.js';
import { buildTestApp, REPO_ROOT, TEST_DATABASE } from '../infra/test-app.js';

let register: Register;
let dpia: DpiaInput;

beforeAll(() => {
  const built = buildTestApp();
  register = registerDocuments({ config: built.config, stacks: synthesizeStackTemplates(built.app), generatedAt: new Date('2026-12-01T00:00:00Z'), sourceCommit: 'abc' }).register;
  dpia = buildDpiaInput(register, 'acme');
}, 120_000);

describe('DPIA input (DPA 2.5)', () => {
  it('describes the processing from the register, for that controller only', () => {
    expect(dpia.description.purposes).toEqual(register.processing.purposes);
    expect(dpia.description.personalData.find((c) => c.category === 'IP address of the website visitor')).toEqual({ category: 'IP address of the website visitor', stored: false });
    expect(dpia.description.retention[0]).toContain('45 days');
    expect(JSON.stringify(dpia)).not.toContain('Globex');
  });

  it('weighs re-identification and foreign-law access with likelihood, severity and measures', () => {
    expect(dpia.risks.map((r) => r.risk).join('\n')).toMatch(/Re-identification of a visitor[\s\S]*Re-identification by reversing pseudonyms[\s\S]*CLOUD Act/);
    for (const risk of dpia.risks) {
      expect(['low', 'medium', 'high']).toContain(risk.likelihood);
      expect(['low', 'medium', 'high']).toContain(risk.severity);
      expect(risk.measures.length).toBeGreaterThan(1);
    }
  });

  it('calls a measure deployed only when the register found it in the templates', () => {
    const deployedTitles = new Set(register.securityMeasures.map((m) => m.title));
    const deployed = dpia.risks.flatMap((r) => r.measures).filter((m) => m.status === 'deployed');
    expect(deployed.length).toBeGreaterThan(8);
    for (const m of deployed) expect(deployedTitles).toContain(m.measure);
    const withoutPseudonyms = buildDpiaInput({ ...register, securityMeasures: register.securityMeasures.filter((m) => m.id !== 'pseudonymisation') }, 'acme');
    expect(withoutPseudonyms.risks[0]!.measures[0]).toEqual({ measure: 'Keyed pseudonym instead of the IP address (not found in the templates)', status: 'stated' });
  });

  it('renders the three parts of Art. 35(7) input in Markdown', () => {
    const markdown = renderDpiaMarkdown(dpia);
    expect(markdown).toMatch(/^## 1\. Systematic description of the processing$/m);
    expect(markdown).toMatch(/^## 2\. Necessity and proportionality$/m);
    expect(markdown).toMatch(/^## 3\. Risks to data subjects and the measures against them$/m);
  });

  it('npm run dpia prints it for a configured tenant and refuses an unknown one', async () => {
    const run = (...args: string[]) => promisify(execFile)('npx', ['tsx', 'bin/dpia.ts', ...args, '-c', `mmdbPath=${TEST_DATABASE}`], { cwd: REPO_ROOT });
    const { stdout } = await run('--tenant', 'demo', '--format', 'json');
    expect((JSON.parse(stdout) as DpiaInput).controller.tenantId).toBe('demo');
    await expect(run('--tenant', 'nobody')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('no tenant nobody') });
  }, 120_000);
});
