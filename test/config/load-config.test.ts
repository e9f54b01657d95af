import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, DEMO_PROCESSOR, loadConfig } from '../../lib/config/load-config.js';
import { EU_REGIONS } from '../../lib/eu-regions.js';

const tenant = { id: 'acme', name: 'Acme B.V.', contactEmails: ['dpo@acme.example'] };
const processor = {
  name: 'Processor B.V.',
  address: 'Keizersgracht 1, 1015 CJ Amsterdam, Netherlands',
  registrationNumber: 'KvK 12345678',
  dpo: { name: 'Jan Jansen', email: 'dpo@processor.example' },
};

function contextOf(values: Record<string, unknown>) {
  return { tryGetContext: (key: string) => values[key] };
}

function problemsOf(values: Record<string, unknown>): string[] {
  try {
    loadConfig(contextOf({ processor, ...values }), {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills secure defaults around the minimum configuration', () => {
    const config = loadConfig(contextOf({ processor, tenants: [tenant] }), {});
    expect(config).toMatchObject({
      processor,
      region: 'eu-central-1',
      account: undefined,
      retentionDays: DEFAULTS.retentionDays,
      breachRecordRetentionYears: 5,
      mmdbPath: undefined,
      allowedRegions: [...EU_REGIONS],
    });
    expect(config.tenants[0]).toEqual({ ...tenant, rateLimit: 50, burstLimit: 100, monthlyQuota: 1_000_000, instructions: {}, auditorPrincipals: [] });
  });

  it('parses -c overrides, which arrive as strings', () => {
    const config = loadConfig(
      contextOf({ processor: JSON.stringify(processor), tenants: JSON.stringify([tenant]), retentionDays: '90', allowedRegions: '["eu-central-1"]', account: '123456789012' }),
      {},
    );
    expect(config.retentionDays).toBe(90);
    expect(config.allowedRegions).toEqual(['eu-central-1']);
    expect(config.account).toBe('123456789012');
  });

  it('takes the account from the CDK environment when the context has none', () => {
    expect(loadConfig(contextOf({ processor, tenants: [tenant] }), { CDK_DEFAULT_ACCOUNT: '210987654321' }).account).toBe('210987654321');
  });

  it('refuses a deployment without the processor identity and DPO, naming each missing fact', () => {
    expect(problemsOf({ tenants: [tenant], processor: undefined }).join('\n')).toMatch(/processor: required for a deployment \(Art\. 30\(2\)\(a\)\)/);
    const problems = problemsOf({ tenants: [tenant], processor: { name: 'P', dpo: { name: '' } } }).join('\n');
    expect(problems).toMatch(/processor\.address: must be/);
    expect(problems).toMatch(/processor\.registrationNumber: must be/);
    expect(problems).toMatch(/processor\.dpo\.name: must name/);
    expect(problems).toMatch(/processor\.dpo\.email: must be the DPO's e-mail address/);
  });

  it('lets the local run go on with demo processor values, and only the local run', () => {
    expect(loadConfig(contextOf({ tenants: [tenant] }), {}, 'local').processor).toEqual(DEMO_PROCESSOR);
    expect(loadConfig(contextOf({ processor, tenants: [tenant] }), {}, 'local').processor).toEqual(processor);
    expect(() => loadConfig(contextOf({ tenants: [tenant] }), {}, 'deployment')).toThrow(ConfigError);
  });

  it('records controller instructions, checking their shape', () => {
    const instructed = { ...tenant, instructions: { storeVisitsFrom: ['business'], retentionDays: '60', regions: ['eu-central-1'] } };
    expect(loadConfig(contextOf({ processor, tenants: [instructed] }), {}).tenants[0]!.instructions).toEqual({ storeVisitsFrom: ['business'], retentionDays: 60, regions: ['eu-central-1'] });
    expect(problemsOf({ tenants: [{ ...tenant, instructions: { colour: 'red' } }] }).join('\n')).toMatch(/tenants\[0\]\.instructions\.colour: unknown instruction/);
  });

  it.each([
    [{ region: 'eu-west-1' }, /region: must be eu-central-1/],
    [{ retentionDays: 0 }, /retentionDays: must be a whole number from 1 to 3650/],
    [{ retentionDays: 3651 }, /retentionDays: must be a whole number from 1 to 3650/],
    [{ retentionDays: 7.5 }, /retentionDays/],
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
