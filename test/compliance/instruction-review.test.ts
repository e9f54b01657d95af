import { describe, expect, it } from 'vitest';
import { InstructionConflictError, reviewInstructions, assertInstructionsAcceptable } from '../../lib/compliance/instruction-review.js';
import type { ControllerInstructions, TenantConfig } from '../../lib/config/app-config.js';
import { buildTestApp } from '../infra/test-app.js';

const deployment = { retentionDays: 30, region: 'eu-central-1', allowedRegions: ['eu-central-1', 'eu-west-1'] } as const;

function tenant(id: string, instructions: ControllerInstructions): TenantConfig {
  return { id, name: id, contactEmails: [`dpo@${id}.example`], rateLimit: 1, burstLimit: 1, monthlyQuota: 1, instructions, auditorPrincipals: [], sites: [] };
}

describe('controller instructions against the agreement (DPA 2.4)', () => {
  it('accepts instructions the service follows, without findings', () => {
    const review = reviewInstructions({ ...deployment, allowedRegions: ['eu-central-1'], tenants: [tenant('a', { storeVisitsFrom: ['business', 'education'], retentionDays: 60, regions: ['eu-central-1'] })] });
    expect(review).toEqual({ refused: [], warnings: [] });
  });

  it.each([
    [{ storeVisitsFrom: ['residential'] }, /visits of private individuals/],
    [{ storeVisitsFrom: ['mobile'] }, /storing them conflicts with the purpose/],
    [{ storeVisitsFrom: ['satellite'] }, /not a network classification/],
    [{ retentionDays: 400 }, /longer than any B2B follow-up needs/],
    [{ retentionDays: 14 }, /the deployment keeps visits 30 days, longer than this controller instructs/],
    [{ regions: ['eu-west-1'] }, /runs in eu-central-1 only/],
  ])('refuses %j with the reason', (instructions, reason) => {
    const review = reviewInstructions({ ...deployment, tenants: [tenant('a', {}), tenant('b', instructions)] });
    expect(review.refused).toHaveLength(1);
    expect(review.refused[0]).toMatchObject({ tenantId: 'b', reason: expect.stringMatching(reason) });
  });

  it('accepts judgements with a warning recorded for that controller only', () => {
    const review = reviewInstructions({ ...deployment, tenants: [tenant('a', {}), tenant('b', { retentionDays: 180 })] });
    expect(review.refused).toEqual([]);
    expect(review.warnings).toEqual([{ tenantId: 'b', instruction: 'retentionDays 180', reason: expect.stringMatching(/longer than the 90 days the purpose usually needs/) }]);
  });

  it('makes the synth refuse a conflicting instruction before anything is built', () => {
    const tenants = [{ id: 'acme', name: 'Acme B.V.', contactEmails: ['dpo@acme.example'], instructions: { storeVisitsFrom: ['business', 'residential'] } }];
    expect(() => buildTestApp({ tenants }, { publishRegister: true })).toThrow(InstructionConflictError);
    expect(() => assertInstructionsAcceptable({ ...deployment, tenants: [tenant('acme', { storeVisitsFrom: ['residential'] })] })).toThrow(/acme: storeVisitsFrom residential/);
  });
});
