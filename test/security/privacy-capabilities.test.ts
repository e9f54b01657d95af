import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RIGHTS_PLAN } from '../../lib/enrichment/enrichment-api.js';
import { TTL_DELETION_DELAY_DAYS } from '../../lib/retention/retention-limits.js';
import { decide, type Principal } from '../breach/support/iam-decision.js';
import { TemplatePolicies } from '../breach/support/template-policies.js';
import { buildTestApp } from '../infra/test-app.js';

/**
 * Issue 14, items 1, 2 and 5 in the synthesized app: the rights capability's own keys and quota, one
 * pseudonym secret per tenant fenced to its readers (policies EVALUATED with @cloud-copilot/iam-simulate,
 * not read), the misuse alarms, and the audit trail and retention settings.
 */
const ACCOUNT = '123456789012';
const REGION = 'eu-central-1';
const BREAK_GLASS = 'arn:aws:iam::*:role/break-glass/BreakGlass';

let built: ReturnType<typeof buildTestApp>;
let template: Template;
let t: TemplatePolicies;
let roles: Record<'visits' | 'visitorData' | 'collect' | 'enrich' | 'dataSubjectRequests', Principal>;
const administrator: Principal = {
  name: 'administrator',
  arn: `arn:aws:iam::${ACCOUNT}:role/Administrator`,
  policies: [{ name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
};
const breakGlass: Principal = { ...administrator, name: 'break-glass role', arn: `arn:aws:iam::${ACCOUNT}:role/break-glass/BreakGlass` };

beforeAll(() => {
  built = buildTestApp({ breakGlassRoleArnPattern: BREAK_GLASS, breakGlassAdministratorArn: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' });
  const stack = built.enrichment;
  template = Template.fromStack(stack);
  t = new TemplatePolicies(template.toJSON(), ACCOUNT, REGION, stack.stackName);
  const id = (construct: { node: any }) => stack.getLogicalId(construct.node.defaultChild);
  const principal = (name: string, role: { node: any }): Principal => ({ name, arn: t.arn(id(role)), policies: t.identityPolicies(id(role)) });
  roles = {
    visits: principal('visits function', stack.visitsFunction.role),
    visitorData: principal('visitor-data function', stack.visitorDataFunction.role),
    collect: principal('collect function', stack.collectFunction.role),
    enrich: principal('enrich function', stack.enrichFunction.role),
    dataSubjectRequests: principal('data-subject-requests function', stack.dataSubjectRequestsFunction.role),
  };
}, 120_000);

describe('item 1: access and erasure by address are a capability of their own', () => {
  it('gives every tenant a rights key in a usage plan of its own, 100 calls a day', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 4); // integration + rights, two tenants
    const plans = Object.values(template.findResources('AWS::ApiGateway::UsagePlan')).map((plan) => plan.Properties);
    const rightsPlans = plans.filter((plan) => String(t.resolve(plan.UsagePlanName)).endsWith('-data-subject-rights'));
    expect(rightsPlans).toHaveLength(2);
    for (const plan of rightsPlans) {
      expect(plan.Quota).toEqual({ Limit: RIGHTS_PLAN.dailyQuota, Period: 'DAY' });
      expect(plan.Throttle).toEqual({ RateLimit: 1, BurstLimit: 5 });
    }
  });

  it('lets the visitor-data function accept the rights keys only, never the integration keys', () => {
    const env = (fn: { function: { node: any } }) => template.toJSON().Resources[built.enrichment.getLogicalId(fn.function.node.defaultChild)].Properties.Environment.Variables;
    const visitorData = env(built.enrichment.visitorDataFunction);
    expect(visitorData).not.toHaveProperty('TENANT_API_KEYS');
    const rightsKeyIds = JSON.stringify(visitorData.VISITOR_DATA_API_KEYS);
    const integrationKeyIds = JSON.stringify(env(built.enrichment.visitsFunction).TENANT_API_KEYS);
    for (const [logicalId] of Object.entries(template.findResources('AWS::ApiGateway::ApiKey'))) {
      const inRights = rightsKeyIds.includes(`"${logicalId}"`);
      expect(inRights, logicalId).toBe(logicalId.includes('RightsKey'));
      expect(integrationKeyIds.includes(`"${logicalId}"`), logicalId).toBe(!inRights);
    }
  });

  it('alerts operations to bursts of searches that find nothing', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.message = "visitor data searched") && ($.visits = 0) }',
      MetricTransformations: [Match.objectLike({ MetricName: 'VisitorDataSearchesWithoutResult' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VisitorDataSearchesWithoutResult',
      Threshold: 20,
      Period: 3600,
      AlarmActions: [{ Ref: built.enrichment.getLogicalId(built.enrichment.alertTopics.operationsTopic.node.defaultChild as never) }],
    });
  });
});

describe('item 2: one pseudonym secret per tenant, readable only by the functions that need it', () => {
  const secretOf = (tenantId: string) => {
    const [id] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).find(([, r]) => String(t.resolve(r.Properties.Name)).endsWith(`/pseudonym-key/${tenantId}`))!;
    return { arn: t.arn(id), policy: t.secretPolicy(id) };
  };
  const read = (principal: Principal, tenantId: string) => {
    const secret = secretOf(tenantId);
    return decide(principal, { action: 'secretsmanager:GetSecretValue', resource: secret.arn, resourcePolicy: secret.policy }, ACCOUNT);
  };

  it('has a secret of its own for every tenant', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3); // one per tenant + the offboarding report key
    expect(secretOf('acme').arn).not.toBe(secretOf('globex').arn);
  });

  it('lets the visits, visitor-data and collect functions read each tenant’s secret', async () => {
    for (const tenantId of ['acme', 'globex']) {
      expect(await read(roles.visits, tenantId)).toBe('Allowed');
      expect(await read(roles.visitorData, tenantId)).toBe('Allowed');
      expect(await read(roles.collect, tenantId)).toBe('Allowed');
    }
  });

  it('denies every other principal, even with AdministratorAccess, but the documented break-glass role', async () => {
    expect(await read(administrator, 'acme')).toBe('ExplicitlyDenied');
    expect(await read(roles.enrich, 'acme')).not.toBe('Allowed');
    expect(await read(roles.dataSubjectRequests, 'globex')).not.toBe('Allowed');
    expect(await read(breakGlass, 'acme')).toBe('Allowed');
  });

  it('lets only the readers (and break-glass) decrypt with the secrets’ key, even with AdministratorAccess', async () => {
    const keyId = built.enrichment.getLogicalId(built.enrichment.pseudonymKeys.encryptionKey.node.defaultChild as never);
    const decrypt = (principal: Principal) =>
      decide(principal, {
        action: 'kms:Decrypt',
        resource: t.arn(keyId),
        resourcePolicy: t.keyPolicy(keyId),
        context: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
      }, ACCOUNT);
    expect(await decrypt(roles.visits)).toBe('Allowed');
    expect(await decrypt(administrator)).toBe('ExplicitlyDenied');
    expect(await decrypt(roles.enrich)).not.toBe('Allowed');
    expect(await decrypt(breakGlass)).toBe('Allowed');
  });

  it('alerts operations once when anyone but the reading functions reads a pseudonym secret: one trail detector, no second alarm', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties);
    const onSecretReads = filters.filter((f) => JSON.stringify(f.FilterPattern).includes('secretsmanager.amazonaws.com'));
    expect(onSecretReads.map((f) => f.MetricTransformations[0].MetricName)).toEqual(['PseudonymKeyReadByOther']);
    const pattern = String(t.resolve(onSecretReads[0]!.FilterPattern));
    for (const reader of [roles.visits, roles.visitorData, roles.collect]) {
      expect(pattern).toContain(`($.userIdentity.arn != "arn:aws:sts::${ACCOUNT}:assumed-role/${reader.arn.split('/').at(-1)}/*")`);
    }
    const trailLogs = built.enrichment.getLogicalId(built.enrichment.auditTrail.logGroup.node.defaultChild as never);
    expect(onSecretReads[0]!.LogGroupName).toEqual({ Ref: trailLogs });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'PseudonymKeyReadByOther', Threshold: 0 });
  });
});

describe('item 5: every copy counts, and the audit trail records only other principals', () => {
  it('sets the visits TTL so that TTL + deletion delay + recovery window = retentionDays', () => {
    const { retentionDays, pointInTimeRecoveryDays } = built.config;
    const table = template.toJSON().Resources[built.enrichment.getLogicalId(built.enrichment.visits.table.node.defaultChild as never)].Properties;
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: pointInTimeRecoveryDays });
    const ttlDays = Number(table.Tags.find((tag: { Key: string }) => tag.Key === 'retention:item-ttl-days').Value);
    expect(ttlDays + TTL_DELETION_DELAY_DAYS + pointInTimeRecoveryDays).toBe(retentionDays);
    const visitsEnv = template.toJSON().Resources[built.enrichment.getLogicalId(built.enrichment.visitsFunction.function.node.defaultChild as never)].Properties.Environment.Variables;
    expect(visitsEnv.VISIT_TTL_DAYS).toBe(String(ttlDays));
    const collectEnv = template.toJSON().Resources[built.enrichment.getLogicalId(built.enrichment.collectFunction.function.node.defaultChild as never)].Properties.Environment.Variables;
    expect(collectEnv.VISIT_TTL_DAYS).toBe(String(ttlDays));
  });

  it('records item events on the visits table except those of the service’s own function roles', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    const tableSelector = trail.AdvancedEventSelectors.find((s: { Name: string }) => s.Name === 'Item events of the visits table');
    const byArn = tableSelector.FieldSelectors.find((f: { Field: string }) => f.Field === 'userIdentity.arn');
    expect(t.resolve(byArn.NotStartsWith).sort()).toEqual(
      [roles.visits, roles.visitorData, roles.collect].map((role) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role.arn.split('/').at(-1)}/`).sort(),
    );
  });
});
