import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApi } from '../../bin/local/local-api.js';
import { API_ROUTES, isDocumentedRoute, routeKey, type ApiRoute, type RouteFunction } from '../../lib/api/routes.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { startTestLocalApi } from '../support/local-api.js';
import { ROUTES } from '../security/support/in-process-api.js';
import { documentedOperations } from '../security/support/route-catalog.js';
import { buildTestApp } from './test-app.js';

const MANIFEST_KEYS = API_ROUTES.map((route) => routeKey(route.method, route.path)).sort();
const AUTHORISATION_TYPES: Record<ApiRoute['authorisation'], { AuthorizationType: string; ApiKeyRequired: boolean }> = {
  apiKey: { AuthorizationType: 'NONE', ApiKeyRequired: true },
  public: { AuthorizationType: 'NONE', ApiKeyRequired: false },
  iam: { AuthorizationType: 'AWS_IAM', ApiKeyRequired: false },
};

/** The four views of the API, each compared with lib/api/routes.ts: none may add, drop or change a route. */
describe('the route manifest (lib/api/routes.ts)', () => {
  it('declares each route once', () => {
    expect(new Set(MANIFEST_KEYS).size).toBe(API_ROUTES.length);
  });

  describe('the CDK stack', () => {
    let built: ReturnType<typeof buildTestApp>;
    let template: Template;
    beforeAll(() => {
      built = buildTestApp({ 'aws:cdk:bundling-stacks': [] });
      template = Template.fromStack(built.enrichment);
    }, 120_000);

    it('has exactly the manifest routes as methods, each with its authorisation, function and request model', () => {
      const { enrichment } = built;
      const functionIds: Record<RouteFunction, string> = {
        enrich: enrichment.getLogicalId(enrichment.enrichFunction.function.node.defaultChild as CfnElement),
        visits: enrichment.getLogicalId(enrichment.visitsFunction.function.node.defaultChild as CfnElement),
        visitorData: enrichment.getLogicalId(enrichment.visitorDataFunction.function.node.defaultChild as CfnElement),
        dataSubjectRequests: enrichment.getLogicalId(enrichment.dataSubjectRequestsFunction.function.node.defaultChild as CfnElement),
        breachReport: enrichment.getLogicalId(enrichment.breachReporting.reportFunction.function.node.defaultChild as CfnElement),
        complianceRegister: enrichment.getLogicalId(enrichment.complianceRegisterFunction.function.node.defaultChild as CfnElement),
        collect: enrichment.getLogicalId(enrichment.collectFunction.function.node.defaultChild as CfnElement),
      };
      const resources = template.toJSON().Resources as Record<string, { Properties: any }>;
      const methods = enrichment.api.api.methods.map((method) => ({
        key: routeKey(method.httpMethod, method.resource.path),
        properties: resources[enrichment.getLogicalId(method.node.defaultChild as CfnElement)]!.Properties,
      }));
      expect(methods.map((method) => method.key).sort()).toEqual(MANIFEST_KEYS);
      expect(Object.keys(template.findResources('AWS::ApiGateway::Method')).length).toBe(API_ROUTES.length);

      for (const route of API_ROUTES) {
        const { properties } = methods.find((method) => method.key === routeKey(route.method, route.path))!;
        const key = routeKey(route.method, route.path);
        expect(properties, key).toMatchObject(AUTHORISATION_TYPES[route.authorisation]);
        expect(JSON.stringify(properties.Integration.Uri), key).toContain(`"${functionIds[route.function]}"`);
        const model = properties.RequestModels?.['application/json'];
        expect(model === undefined ? undefined : resources[model.Ref]!.Properties.Name, key).toBe(route.requestSchema);
      }
    });

    it('throttles each route the manifest gives a throttle, and no other, at the method level', () => {
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
      const throttled = (stage.Properties.MethodSettings as any[])
        .filter((setting) => setting.ThrottlingRateLimit !== undefined)
        .map((setting) => [setting.HttpMethod, setting.ResourcePath, setting.ThrottlingRateLimit, setting.ThrottlingBurstLimit]);
      const declared = API_ROUTES.filter((route) => route.throttle).map((route) => [
        route.method,
        route.path.replaceAll('/', '~1'),
        route.throttle!.rateLimit,
        route.throttle!.burstLimit,
      ]);
      expect(throttled.map((setting) => [setting[0], String(setting[1]).slice(1), setting[2], setting[3]])).toEqual(declared);
    });
  });

  describe('the local server', () => {
    let table: TestVisitsTable;
    let api: LocalApi;
    beforeAll(async () => {
      table = await createTestVisitsTable();
      api = await startTestLocalApi(table, [{ tenantId: 'tenant-a', apiKey: 'local-key-a', apiKeyId: 'key-id-a' }]);
    });
    afterAll(async () => {
      await api.close();
      await table.drop();
    });

    it('routes exactly the manifest, with a function for every route but the IAM (operator) ones', () => {
      expect(api.routes.map(({ route }) => route)).toEqual(API_ROUTES);
      expect(api.routes.filter(({ handler }) => !handler).map(({ route }) => route.authorisation)).toEqual(['iam']);
    });

    it('answers every declared route over HTTP, and a method the manifest does not declare as an unknown route', async () => {
      for (const route of API_ROUTES) {
        const path = route.path.replace('{ip}', '81.2.69.160');
        const response = await fetch(`${api.url}${path}`, { method: route.method, headers: { 'x-api-key': 'local-key-a' } });
        const json = response.headers.get('content-type')?.startsWith('application/json') === true;
        const body: any = json ? await response.json() : undefined;
        expect(body?.error?.code, routeKey(route.method, route.path)).not.toBe('NOT_FOUND');
      }
      const undeclared = await fetch(`${api.url}/v1/health`, { method: 'DELETE', headers: { 'x-api-key': 'local-key-a' } });
      expect(undeclared.status).toBe(404);
      expect(await undeclared.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    });
  });

  it('lib/api/openapi.json documents exactly the tenant and public routes, with the same security and request schema', () => {
    const documented = documentedOperations().map(({ key, operation }) => ({
      key,
      public: Array.isArray(operation.security) && operation.security.length === 0,
      requestSchema: operation.requestBody?.content?.['application/json']?.schema?.$ref?.replace('#/components/schemas/', ''),
    }));
    const declared = API_ROUTES.filter(isDocumentedRoute).map((route) => ({
      key: routeKey(route.method, route.path),
      public: route.authorisation === 'public',
      requestSchema: route.requestSchema,
    }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(documented.sort(byKey)).toEqual(declared.sort(byKey));
  });

  it('the in-process test API has an example for every route and calls the function the manifest names', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(MANIFEST_KEYS);
    for (const route of API_ROUTES) expect(ROUTES[routeKey(route.method, route.path)]!.fn).toBe(route.function);
  });
});
