import openapi from './openapi.json' with { type: 'json' };
import type { ApiRoute, RequestSchemaName } from './routes.js';

/**
 * The JSON Schemas a route's request is checked against, from lib/api/openapi.json: its body schema
 * (the gateway's request model) and an object schema of its documented query parameters. Shared by
 * the validator generator (tools/api/build-validators.ts) and the functions' validation.
 */

export interface QueryParameter {
  readonly name: string;
  readonly in: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/**
 * Ajv's options for every request schema: all errors (the best code is picked from them), union types as
 * OpenAPI writes them, and the failing schema in each error (its description and allowed fields become
 * the message; the rejected data it also carries is never echoed).
 */
export const REQUEST_AJV_OPTIONS = { strict: true, allErrors: true, allowUnionTypes: true, verbose: true } as const;

export const requestSchemaOf = (name: RequestSchemaName): Record<string, unknown> => openapi.components.schemas[name] as Record<string, unknown>;

export function queryParametersOf(route: ApiRoute): QueryParameter[] {
  const paths = openapi.paths as Record<string, Record<string, { parameters?: QueryParameter[] } | undefined> | undefined>;
  const operation = paths[route.path]?.[route.method.toLowerCase()];
  return (operation?.parameters ?? []).filter((parameter) => parameter.in === 'query');
}

/** Query strings arrive as text; an integer parameter is converted from decimal digits before this check. */
export function querySchemaOf(route: ApiRoute): Record<string, unknown> {
  const properties = Object.fromEntries(queryParametersOf(route).map((parameter) => [parameter.name, parameter.schema]));
  return { type: 'object', additionalProperties: false, properties };
}

/** Export names of the generated validators (lambdas/shared/http/openapi-validators.generated.ts). */
export const bodyValidatorName = (schema: RequestSchemaName): string => `body_${schema}`;
export const queryValidatorName = (route: ApiRoute): string => `query_${route.method}_${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`;
