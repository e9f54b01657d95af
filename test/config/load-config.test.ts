import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, DEMO_PROCESSOR, loadConfig } from '../../lib/config/load-config.js';
import { EU_REGIONS } from '../../lib/eu-regions.js';
import { SITE_DEFAULTS } from '../../lib/config/sites-config.js';

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
      visitShards: 8,
      reservedConcurrency: { enrich: 50, visits: 50, visitorData: 10 },
      accountConcurrencyLimit: 1000,
      breachRecordRetentionYears: 5,
      mmdbPath: undefined,
      allowedRegions: [...EU_REGIONS],
    });
    expect(config.tenants[0]).toEqual({ ...tenant, rateLimit: 50, burstLimit: 100, monthlyQuota: 1_000_000, requestFormOrigins: [], sites: [], instructions: {}, auditorPrincipals: [] });
  });

  it('parses -c overrides, which arrive as strings', () => {
    const config = loadConfig(
      contextOf({ processor: JSON.stringify(processor), tenants: JSON.stringify([tenant]), retentionDays: '90', allowedRegions: '["eu-central-1"]', account: '123456789012' }),
      {},
    );
    expect(config.retentionDays).toBe(90);
    expect(loadConfig(contextOf({ processor, tenants: [tenant], visitShards: '16' }), {}).visitShards).toBe(16);
    const raised = loadConfig(contextOf({ processor, tenants: [tenant], accountConcurrencyLimit: '5000', reservedConcurrency: '{"enrich":3000,"visits":1000}' }), {});
    expect(raised.reservedConcurrency).toEqual({ enrich: 3000, visits: 1000, visitorData: 10 });
    expect(config.allowedRegions).toEqual(['eu-central-1']);
    expect(config.account).toBe('123456789012');
  });

  it('accepts a break-glass role on a dedicated path with its named administrator', () => {
    const breakGlass = { breakGlassRoleArnPattern: 'arn:aws:iam::*:role/break-glass/BreakGlass', breakGlassAdministratorArn: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' };
    expect(loadConfig(contextOf({ processor, tenants: [tenant], ...breakGlass }), {})).toMatchObject(breakGlass);
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
    [{ retentionDays: 10, pointInTimeRecoveryDays: 7 }, /retentionDays: 10 days cannot hold a visit for a day plus the TTL deletion delay \(3 days\) plus the point-in-time-recovery window/],
    [{ pointInTimeRecoveryDays: 36 }, /pointInTimeRecoveryDays: must be a whole number from 0 to 35/],
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

describe('loadConfig: sites and publishable keys', () => {
  const site = { siteId: 'www.acme.example', publishableKey: 'pk_acme_0123456789abcdefghij', allowedOrigins: ['https://www.acme.example'] };
  const withSites = (...sites: unknown[]) => ({ processor, tenants: [{ ...tenant, sites }] });

  it('honours Global Privacy Control and Do Not Track unless told otherwise', () => {
    const config = loadConfig(contextOf(withSites(site)), {});
    expect(config.tenants[0]!.sites).toEqual([{ ...site, ...SITE_DEFAULTS }]);
    expect(SITE_DEFAULTS).toMatchObject({ honourGlobalPrivacyControl: true, honourDoNotTrack: true });
  });

  it('keeps explicit choices and canonicalises origins (host case)', () => {
    const config = loadConfig(
      contextOf(withSites({ ...site, allowedOrigins: ['https://WWW.Acme.example', 'http://localhost:3001'], honourDoNotTrack: false, pageViewsPerMinute: 60 })),
      {},
    );
    expect(config.tenants[0]!.sites[0]).toMatchObject({
      allowedOrigins: ['https://www.acme.example', 'http://localhost:3001'],
      honourGlobalPrivacyControl: true,
      honourDoNotTrack: false,
      pageViewsPerMinute: 60,
    });
  });

  it.each([
    ['not a list', 'nope', /sites: must be a list/],
    ['an unknown setting', [{ ...site, cookies: true }], /sites\[0\]\.cookies: unknown setting/],
    ['a bad site id', [{ ...site, siteId: '-bad id' }], /sites\[0\]\.siteId/],
    ['a site id that is an IP address', [{ ...site, siteId: '192.0.2.1' }], /not an IP address/],
    ['a duplicate site id', [site, { ...site, publishableKey: 'pk_acme_other_0123456789ab' }], /sites\[1\]\.siteId: duplicate/],
    ['a short publishable key', [{ ...site, publishableKey: 'pk_short' }], /publishableKey: must be pk_/],
    ['an API-key-like publishable key', [{ ...site, publishableKey: 'x'.repeat(30) }], /publishableKey: must be pk_/],
    ['no origins', [{ ...site, allowedOrigins: [] }], /allowedOrigins: must be a non-empty list/],
    ['an origin with a path', [{ ...site, allowedOrigins: ['https://www.acme.example/shop'] }], /allowedOrigins\[0\]: must be an origin alone/],
    ['an origin with a trailing slash', [{ ...site, allowedOrigins: ['https://www.acme.example/'] }], /allowedOrigins\[0\]/],
    ['a plain-http origin', [{ ...site, allowedOrigins: ['http://www.acme.example'] }], /allowedOrigins\[0\]/],
    ['an IPv4 origin', [{ ...site, allowedOrigins: ['https://192.0.2.10'] }], /allowedOrigins\[0\]/],
    ['an IPv6 origin', [{ ...site, allowedOrigins: ['https://[2001:db8::1]'] }], /allowedOrigins\[0\]/],
    ['a wildcard origin', [{ ...site, allowedOrigins: ['*'] }], /allowedOrigins\[0\]/],
    ['a non-boolean privacy setting', [{ ...site, honourGlobalPrivacyControl: 'yes' }], /honourGlobalPrivacyControl: must be true or false/],
    ['a zero ceiling', [{ ...site, pageViewsPerMinute: 0 }], /pageViewsPerMinute: must be a whole number/],
  ])('refuses %s', (_, sites, problem) => {
    expect(problemsOf({ tenants: [{ ...tenant, sites }] })).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('refuses one publishable key for sites of two tenants', () => {
    const problems = problemsOf({ tenants: [{ ...tenant, sites: [site] }, { ...tenant, id: 'other', sites: [{ ...site, siteId: 'other.example' }] }] });
    expect(problems).toEqual([expect.stringMatching(/tenants\[1\]\.sites\[0\]\.publishableKey: already the key of another site/)]);
  });
});
