import { beforeAll, describe, expect, it } from 'vitest';
import { decide, type Principal } from '../breach/support/iam-decision.js';
import { TEST_CONTEXT } from '../infra/test-app.js';
import { ALWAYS_ALLOWED, FUNCTION_PERMISSIONS, MUST_BE_DENIED, type Denial } from './function-permissions.js';
import { anyAllowNames, contextsFor, decideRequest, describeRequest, grantCovers, resourcesFor, wildcardMatches } from './support/permission-check.js';
import { requestUniverse, type PermissionRequest } from './support/request-universe.js';
import { resourceCatalog, stackFunctions, stackRoles, synthesizeApp, type CatalogResource, type StackFunction, type SynthesizedApp } from './support/stack-resources.js';

/**
 * Least privilege PROVEN BY EVALUATION: the synthesized app's role policies, with the policy of every
 * resource they meet (bucket, key, topic, queue and trust policies), decided by
 * @cloud-copilot/iam-simulate as IAM decides them, against the table in function-permissions.ts.
 */

/** Data and control-plane services of the app; a service a function's policy names is added to these. */
const BASE_SERVICES = ['s3', 'dynamodb', 'kms', 'secretsmanager', 'sns', 'sqs', 'logs', 'lambda', 'iam', 'sts', 'cloudtrail'];
const ADMINISTRATOR_ACCESS = { name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };

let app: SynthesizedApp;
let functions: StackFunction[];
let services: string[];
let catalog: CatalogResource[];
let universe: PermissionRequest[];

const functionAt = (path: string) => {
  const fn = functions.find((candidate) => candidate.path === path);
  if (!fn) throw new Error(`no function ${path} in the stack`);
  return fn;
};

beforeAll(async () => {
  app = synthesizeApp({ asDeployed: true });
  functions = stackFunctions(app);
  const named = functions.flatMap((fn) => statementsOf(fn.principal).flatMap((s) => actionsOf(s).map((action) => action.split(':')[0]!)));
  services = [...new Set([...BASE_SERVICES, ...named])];
  catalog = await resourceCatalog(app, services);
  universe = await requestUniverse(catalog, services, app.region);
}, 60_000);

const statementsOf = (principal: Principal): any[] => principal.policies.flatMap((p) => [p.policy.Statement].flat());
const actionsOf = (statement: any): string[] => [statement.Action ?? []].flat();

describe('the permissions table', () => {
  it('declares every function of the stack, and no function that is not there', () => {
    const inStack = functions.map((fn) => fn.path).sort();
    expect(inStack.length).toBeGreaterThanOrEqual(4);
    expect(inStack, 'add each new function to FUNCTION_PERMISSIONS in test/security/function-permissions.ts').toEqual(Object.keys(FUNCTION_PERMISSIONS).sort());
  });

  it('only grants what the evaluation below can see: plain Allow statements on resources of the catalog', () => {
    for (const fn of functions) {
      for (const statement of statementsOf(fn.principal)) {
        expect(statement, `${fn.path}: NotAction/NotResource grant everything else`).not.toHaveProperty('NotAction');
        expect(statement).not.toHaveProperty('NotResource');
        for (const pattern of [statement.Resource].flat() as string[]) {
          expect(catalog.some((r) => wildcardMatches(pattern, r.arn)), `${fn.path} is granted ${pattern}, which no catalog resource matches`).toBe(true);
        }
      }
    }
  });
});

describe.each(Object.keys(FUNCTION_PERMISSIONS))('the %s function', (path) => {
  it('may do everything its job needs, on every resource it names', async () => {
    const fn = functionAt(path);
    const refused: string[] = [];
    for (const grant of FUNCTION_PERMISSIONS[path]!.may) {
      for (const action of grant.actions) {
        const resources = await resourcesFor(action, grant.on, catalog);
        expect(resources.length, `${path}: ${action} on ${JSON.stringify(grant.on)} names no resource of the stack`).toBeGreaterThan(0);
        const context = grant.via ? contextsFor(action, app.region).find((c) => c['kms:ViaService']?.startsWith(`${grant.via}.`))! : {};
        for (const resource of resources) {
          const request = { action, resource, context };
          if ((await decideRequest(fn.principal, request, app.account)) !== 'Allowed') refused.push(describeRequest(request));
        }
      }
    }
    expect(refused, `${path} is refused what its job needs`).toEqual([]);
  });

  it('may do nothing else: every other action of the covered services, on every resource of the stack and elsewhere, is refused', async () => {
    const fn = functionAt(path);
    const grants = FUNCTION_PERMISSIONS[path]!.may;
    const unexpected: string[] = [];
    let allowed = 0;
    // Requests whose action no Allow statement names are implicit denies by IAM's definition; the rest are evaluated.
    for (const request of universe.filter((candidate) => anyAllowNames(fn.principal, candidate))) {
      const decision = await decideRequest(fn.principal, request, app.account);
      if (decision !== 'Allowed') continue;
      allowed++;
      const declared = grants.some((grant) => grantCovers(grant, request, app.region)) || ALWAYS_ALLOWED.some((a) => a.action === request.action);
      if (!declared) unexpected.push(describeRequest(request));
    }
    expect(unexpected, `${path} may do more than function-permissions.ts declares`).toEqual([]);
    expect(allowed).toBeGreaterThan(ALWAYS_ALLOWED.length); // the evaluation did allow the job itself
  }, 30_000);
});

describe('sensitive actions no function may take (purpose limitation, the locked register)', () => {
  const whoOf = (denial: Denial): string[] => {
    const all = Object.keys(FUNCTION_PERMISSIONS);
    if (denial.who === '*') return all;
    if ('allBut' in denial.who) return all.filter((path) => !(denial.who as { allBut: readonly string[] }).allBut.includes(path));
    return [...(denial.who as readonly string[])];
  };

  it.each(MUST_BE_DENIED.map((denial) => [`${whoOf(denial).join(', ')}: ${denial.actions.join(', ')} — ${denial.why}`, denial] as const))('%s', async (_, denial) => {
    const allowed: string[] = [];
    let asked = 0;
    for (const path of whoOf(denial)) {
      for (const action of denial.actions) {
        const resources = await resourcesFor(action, denial.on, catalog);
        expect(resources.length, `${action} on ${JSON.stringify(denial.on)} names no resource`).toBeGreaterThan(0);
        for (const resource of resources) {
          for (const context of contextsFor(action, app.region)) {
            const request = { action, resource, context };
            asked++;
            if ((await decideRequest(functionAt(path).principal, request, app.account)) === 'Allowed') allowed.push(`${path}: ${describeRequest(request)}`);
          }
        }
      }
    }
    expect(allowed).toEqual([]);
    expect(asked).toBeGreaterThan(0);
  });

  it('keeps even an administrator from deleting or disabling the breach register key, or deleting a record version', async () => {
    const administrator: Principal = { name: 'administrator', arn: `arn:aws:iam::${app.account}:role/Administrator`, policies: [ADMINISTRATOR_ACCESS] };
    const key = catalog.find((r) => r.path === 'BreachRegister/Key')!;
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
      expect(await decideRequest(administrator, { action, resource: key, context: {} }, app.account), action).toBe('ExplicitlyDenied');
    }
    const record = catalog.find((r) => r.path === 'BreachRegister/Bucket' && r.part === 'object:breaches/sample-object.json')!;
    expect(await decideRequest(administrator, { action: 's3:DeleteObjectVersion', resource: record, context: {} }, app.account)).toBe('ExplicitlyDenied');
  });
});

describe('who can become a function', () => {
  const LAMBDA_TRUST = [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }];

  it('gives every function a role of its own, trusted by the Lambda service alone', () => {
    const roles = functions.map((fn) => fn.roleId);
    expect(new Set(roles).size, 'two functions share a role').toBe(roles.length);
    for (const role of stackRoles(app).filter((r) => roles.includes(r.roleId))) {
      expect(role.trustPolicy.Statement, role.path).toEqual(LAMBDA_TRUST);
    }
  });

  it('lets no other role of the stack be assumed by the Lambda service', () => {
    const functionRoles = new Set(functions.map((fn) => fn.roleId));
    const lambdaTrusted = stackRoles(app).filter((role) => JSON.stringify(role.trustPolicy).includes('lambda.amazonaws.com'));
    expect(lambdaTrusted.filter((role) => !functionRoles.has(role.roleId)).map((role) => role.path)).toEqual([]);
  });

  it('lets the Lambda service assume each function role, and no one else: other services, the account, an administrator, the auditor, any other role of the stack', async () => {
    const others: Principal[] = [
      ...['ec2.amazonaws.com', 'apigateway.amazonaws.com', 'events.amazonaws.com', 'states.amazonaws.com', 'cloudtrail.amazonaws.com', 'edgelambda.amazonaws.com'].map((service) => ({ name: service, arn: service, policies: [] })),
      { name: 'account root', arn: `arn:aws:iam::${app.account}:root`, policies: [ADMINISTRATOR_ACCESS] },
      { name: 'administrator', arn: `arn:aws:iam::${app.account}:role/Administrator`, policies: [ADMINISTRATOR_ACCESS] },
      ...TEST_CONTEXT.auditorPrincipals.map((arn) => ({ name: `auditor ${arn}`, arn, policies: [ADMINISTRATOR_ACCESS] })),
      ...stackRoles(app).map((role) => role.principal),
    ];
    for (const fn of functions) {
      const resource = catalog.find((r) => r.service === 'sts' && r.arn === fn.principal.arn)!;
      const assume = (principal: Principal) => decide(principal, { action: 'sts:AssumeRole', resource: resource.arn, resourcePolicy: resource.policy }, app.account);
      expect(await assume({ name: 'lambda', arn: 'lambda.amazonaws.com', policies: [] }), fn.path).toBe('Allowed');
      for (const principal of others.filter((p) => p.arn !== fn.principal.arn)) {
        expect(await assume(principal), `${principal.name} assumes ${fn.path}`).not.toBe('Allowed');
      }
    }
  });
});
