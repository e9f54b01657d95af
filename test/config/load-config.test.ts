import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../../lib/config/load-config.js';
import { EU_REGIONS } from '../../lib/eu-regions.js';

const tenant = { id: 'acme', name: 'Acme B.V.', contactEmails: ['dpo@acme.example'] };

function contextOf(values: Record<string, unknown>) {
  return { tryGetContext: (key: string) => values[key] };
}

function problemsOf(values: Record<string, unknown>): string[] {
  try {
    loadConfig(contextOf(values), {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills secure defaults around the minimum configuration', () => {
    const config = loadConfig(contextOf({ tenants: [tenant] }), {});
    expect(config).toMatchObject({
      region: 'eu-central-1',
      account: undefined,
      retentionDays: DEFAULTS.retentionDays,
      visitShards: 8,
      reservedConcurrency: { enrich: 50, visits: 50, visitorData: 10 },
      accountConcurrencyLimit: 1000,
      breachRecordRetentionYears: 5,
      mmdbPath: undefined,
      allowedRegions: [...EU_REGIONS],
    });
    expect(config.tenants[0]).toEqual({ ...tenant, rateLimit: 50, burstLimit: 100, monthlyQuota: 1_000_000 });
  });

  it('parses -c overrides, which arrive as strings', () => {
    const config = loadConfig(
      contextOf({ tenants: JSON.stringify([tenant]), retentionDays: '90', allowedRegions: '["eu-central-1"]', account: '123456789012' }),
      {},
    );
    expect(config.retentionDays).toBe(90);
    expect(loadConfig(contextOf({ tenants: [tenant], visitShards: '16' }), {}).visitShards).toBe(16);
    const raised = loadConfig(contextOf({ tenants: [tenant], accountConcurrencyLimit: '5000', reservedConcurrency: '{"enrich":3000,"visits":1000}' }), {});
    expect(raised.reservedConcurrency).toEqual({ enrich: 3000, visits: 1000, visitorData: 10 });
    expect(config.allowedRegions).toEqual(['eu-central-1']);
    expect(config.account).toBe('123456789012');
  });

  it('accepts a break-glass role on a dedicated path with its named administrator', () => {
    const breakGlass = { breakGlassRoleArnPattern: 'arn:aws:iam::*:role/break-glass/BreakGlass', breakGlassAdministratorArn: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' };
    expect(loadConfig(contextOf({ tenants: [tenant], ...breakGlass }), {})).toMatchObject(breakGlass);
  });

  it('takes the account from the CDK environment when the context has none', () => {
    expect(loadConfig(contextOf({ tenants: [tenant] }), { CDK_DEFAULT_ACCOUNT: '210987654321' }).account).toBe('210987654321');
  });

  it.each([
    [{ region: 'eu-west-1' }, /region: must be eu-central-1/],
    [{ retentionDays: 0 }, /retentionDays: must be a whole number from 1 to 3650/],
    [{ retentionDays: 3651 }, /retentionDays: must be a whole number from 1 to 3650/],
    [{ retentionDays: 7.5 }, /retentionDays/],
    [{ visitShards: 0 }, /visitShards: must be a whole number from 1 to 32/],
    [{ visitShards: 33 }, /visitShards: must be a whole number from 1 to 32/],
    [{ reservedConcurrency: { enrich: 0 } }, /reservedConcurrency\.enrich: must be a whole number from 1 to 1000/],
    [{ reservedConcurrency: { search: 5 } }, /reservedConcurrency\.search: unknown function/],
    [{ reservedConcurrency: { enrich: 800, visits: 80 } }, /reservedConcurrency: 902 reserved executions .* leave fewer than 100 of accountConcurrencyLimit 1000/],
    [{ accountConcurrencyLimit: 500 }, /accountConcurrencyLimit: must be a whole number from 1000/],
    [{ account: '12345' }, /account: must be a 12-digit/],
    [{ tenants: [] }, /tenants: must be a non-empty list/],
    [{ tenants: [{ ...tenant, name: ' ' }] }, /tenants\[0\]\.name: every tenant needs a name/],
    [{ tenants: [{ ...tenant, contactEmails: ['not-an-email'] }] }, /tenants\[0\]\.contactEmails\[0\]: malformed e-mail/],
    [{ tenants: [{ ...tenant, contactEmails: [] }] }, /at least one DPO\/contact address/],
    [{ tenants: [{ ...tenant, id: 'Acme Corp' }] }, /tenants\[0\]\.id: must be 1–32 lower-case/],
    [{ tenants: [tenant, tenant] }, /tenants\[1\]\.id: duplicate tenant id acme/],
    [{ tenants: [{ ...tenant, colour: 'blue' }] }, /tenants\[0\]\.colour: unknown setting/],
    [{ operationsEmails: ['ops@'] }, /operationsEmails\[0\]: malformed e-mail/],
    [{ allowedRegions: ['eu-central-1', 'eu-west-2'] }, /"eu-west-2" is not an AWS region in the EU/],
    [{ allowedRegions: ['eu-central-1', 'eu-central-2'] }, /"eu-central-2" is not an AWS region in the EU/],
    [{ allowedRegions: ['eu-west-1'] }, /must include eu-central-1/],
    [{ auditorPrincipals: ['auditor'] }, /auditorPrincipals\[0\]: must be an IAM principal ARN/],
    [{ guardrailTargets: ['ou-bad'] }, /guardrailTargets\[0\]/],
    [{ breakGlassRoleArnPattern: 'arn:aws:iam::*:user/x' }, /breakGlassRoleArnPattern/],
    [{ breakGlassRoleArnPattern: 'arn:aws:iam::*:role/break-glass/BreakGlass' }, /breakGlassAdministratorArn/],
    [{ breakGlassRoleArnPattern: 'arn:aws:iam::*:role/BreakGlass', breakGlassAdministratorArn: 'arn:aws:iam::*:role/Admin' }, /breakGlassRoleArnPattern: must name one IAM role on a dedicated path/],
    [{ breakGlassRoleArnPattern: 'arn:aws:iam::*:role/break-glass/BreakGlass', breakGlassAdministratorArn: 'arn:aws:iam::*:role/*' }, /breakGlassAdministratorArn: must name one/],
    [{ breakGlassAdministratorArn: 'arn:aws:iam::*:role/Admin' }, /breakGlassAdministratorArn: set only together/],
    [{ mmdbPath: '' }, /mmdbPath/],
  ])('rejects %j', (override, message) => {
    const problems = problemsOf({ tenants: [tenant], ...override });
    expect(problems.join('\n')).toMatch(message);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ region: 'us-east-1', retentionDays: -1, tenants: [] });
    expect(problems).toHaveLength(3);
  });
});
