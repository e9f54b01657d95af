import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { AuthorizationType } from 'aws-cdk-lib/aws-apigateway';
import { REPO_ROOT } from '../../support/maxmind-test-data.js';
import { routeKey } from './in-process-api.js';
import type { SynthesizedApp } from './stack-resources.js';

export const OPENAPI = JSON.parse(readFileSync(path.join(REPO_ROOT, 'lib/api/openapi.json'), 'utf8'));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export interface DocumentedOperation {
  readonly key: string;
  readonly method: string;
  readonly resource: string;
  readonly operation: any;
}

/** Every operation of lib/api/openapi.json (the tenant API), as `METHOD /resource`. */
export function documentedOperations(): DocumentedOperation[] {
  return Object.entries<any>(OPENAPI.paths).flatMap(([resource, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.includes(method))
      .map((method) => ({ key: routeKey(method, resource), method: method.toUpperCase(), resource, operation: item[method] })),
  );
}

export interface DeployedRoute {
  readonly key: string;
  readonly authorization: string;
  readonly apiKeyRequired: boolean;
}

/** Every method of the synthesized REST API, with how API Gateway lets a caller in. */
export function deployedRoutes({ built, stack, template }: SynthesizedApp): DeployedRoute[] {
  return built.enrichment.api.api.methods.map((method) => {
    const cfn = template.Resources[stack.getLogicalId(method.node.defaultChild as CfnElement)].Properties as { AuthorizationType?: string; ApiKeyRequired?: boolean };
    return {
      key: routeKey(method.httpMethod, method.resource.path),
      authorization: cfn.AuthorizationType ?? AuthorizationType.NONE,
      apiKeyRequired: cfn.ApiKeyRequired === true,
    };
  });
}

/** Resolves `#/components/...` references of the document. */
export function resolveRef<T = any>(node: any): T {
  if (!node?.$ref) return node;
  return resolveRef(String(node.$ref).replace(/^#\//, '').split('/').reduce((value: any, part) => value?.[part], OPENAPI));
}
