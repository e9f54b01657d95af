import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { bodyValidatorName, queryValidatorName } from '../../../lib/api/request-schemas.js';
import { findRoute, type ApiRoute, type RequestSchemaName } from '../../../lib/api/routes.js';
import { redactIps } from '../logging/redact.js';
import { HttpError, badRequest } from './http-error.js';
import { parseJsonBody } from './json-body.js';
import { fieldPath } from './field-path.js';
import * as generated from './openapi-validators.generated.js';

/**
 * Request validation with the schemas API Gateway uses: each route's request body schema and query
 * parameters come from lib/api/openapi.json, chosen by the route manifest (lib/api/routes.ts), compiled
 * ahead of time by Ajv (openapi-validators.generated.ts), so a cold start compiles nothing. Ajv's errors
 * become the API's stable codes:
 *
 *   INVALID_BODY   not an object where the schema wants one     UNKNOWN_FIELD      a field the schema does not name
 *   MISSING_FIELD  a required field is absent                   INVALID_FIELD      any other rule of a field
 *   UNKNOWN_PARAMETER / INVALID_PARAMETER  the same for the query string (a repeated parameter is invalid)
 *
 * Client text (unknown field and parameter names) is redacted before it is echoed. What a schema
 * cannot say (public addresses, calendar dates, URLs that parse) stays with the routes.
 */

/** What names the route: API Gateway's method and matched resource template. */
type RoutedEvent = Pick<APIGatewayProxyEvent, 'httpMethod' | 'resource'>;

/** Where a schema's rules mean a route-specific code (kept from before the schemas were shared). */
interface CodeOverrides {
  /** `field` or `field:keyword` → the code for a present field that breaks (that) rule. */
  readonly fields?: Readonly<Record<string, string>>;
  /** Ajv keyword → its code. */
  readonly keywords?: Readonly<Record<string, string>>;
  /** The code for every other problem but an unknown field. */
  readonly otherwise?: string;
}
const CODE_OVERRIDES: Partial<Record<RequestSchemaName, CodeOverrides>> = {
  BatchRequest: { keywords: { maxItems: 'BATCH_TOO_LARGE' }, otherwise: 'INVALID_BODY' },
  RecordVisitRequest: { fields: { visitorIp: 'INVALID_IP' } },
  VisitorDataSearchRequest: { fields: { ip: 'INVALID_IP', 'cursor:pattern': 'INVALID_CURSOR', 'cursor:maxLength': 'INVALID_CURSOR' } },
  VisitorDataEraseRequest: { fields: { ip: 'INVALID_IP' } },
};

/** Query parameters whose every problem has its own code. */
const PARAMETER_CODES: Readonly<Record<string, string>> = { cursor: 'INVALID_CURSOR' };

/** Unknown names are cut to this length after redaction: enough to recognise a typo. */
const MAX_ECHOED_NAME = 64;

/** The validators compiled ahead of time (tools/api/build-validators.ts), by export name. */
const validators = generated as unknown as Readonly<Record<string, ValidateFunction>>;
/** Per query validator: each documented parameter's name → its schema type. */
const queryParameterTypes = generated.queryParameterTypes as Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The JSON body of the event's route, validated against the route's request schema: `T` is what that
 * schema describes. Content type, size, JSON and text are checked first (parseJsonBody).
 */
export function validBody<T>(event: RoutedEvent & Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>, maxBytes: number): T {
  const route = routeOf(event);
  if (!route.requestSchema) throw new Error(`${route.method} ${route.path} declares no request schema in lib/api/routes.ts`);
  const body = parseJsonBody(event, maxBytes);
  const validate = validators[bodyValidatorName(route.requestSchema)]!;
  if (!validate(body)) throw bodyError(validate.errors ?? [], CODE_OVERRIDES[route.requestSchema] ?? {});
  return body as T;
}

/**
 * The query string of the event's route as single values, validated against the route's documented
 * parameters; a parameter of type integer arrives as a number (converted from decimal digits only).
 */
export function validQuery(event: RoutedEvent & Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>): Record<string, string | number> {
  const name = queryValidatorName(routeOf(event));
  const types = queryParameterTypes[name]!;
  const validate = validators[name]!;
  const single = event.queryStringParameters ?? {};
  const multi = event.multiValueQueryStringParameters ?? {};
  const query: Record<string, string | number> = Object.create(null);
  for (const [parameter, value] of Object.entries(single)) {
    if (!Object.hasOwn(types, parameter)) throw unknownParameter(parameter, Object.keys(types));
    if ((multi[parameter]?.length ?? 1) > 1) {
      throw badRequest('INVALID_PARAMETER', `The query parameter "${parameter}" is given more than once.`, { parameter });
    }
    if (value !== undefined) query[parameter] = types[parameter] === 'integer' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  }
  if (!validate(query)) {
    const [error] = validate.errors!;
    const parameter = fieldPath(error!.instancePath);
    throw badRequest(PARAMETER_CODES[parameter] ?? 'INVALID_PARAMETER', `"${parameter}" ${ruleOf(error!)}.`, { parameter });
  }
  return query;
}

function routeOf(event: RoutedEvent): ApiRoute {
  const route = findRoute(event.httpMethod, event.resource);
  if (!route) throw new HttpError(404, 'NOT_FOUND', 'No such route.');
  return route;
}

function unknownParameter(name: string, documented: readonly string[]): HttpError {
  const parameter = echoedName(name);
  const allowed = documented.join(', ') || 'none';
  return badRequest('UNKNOWN_PARAMETER', `Unknown query parameter "${parameter}". Allowed: ${allowed}.`, { parameter });
}

/** The most telling of Ajv's errors, as the API's error: shape first, then unknown, missing, malformed fields. */
function bodyError(errors: readonly ErrorObject[], overrides: CodeOverrides): HttpError {
  const rank = (error: ErrorObject) =>
    isObjectTypeError(error) ? 0 : error.keyword === 'additionalProperties' ? 1 : error.keyword === 'required' ? 2 : 3;
  const error = [...errors].sort((a, b) => rank(a) - rank(b))[0]!;
  const parent = fieldPath(error.instancePath);
  const child = (name: string) => (parent === '' ? name : `${parent}.${name}`);

  if (error.keyword === 'additionalProperties') {
    const field = child(echoedName(String(error.params.additionalProperty)));
    const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {}).map(child);
    return badRequest('UNKNOWN_FIELD', `Unknown field "${field}". Allowed: ${allowed.join(', ')}.`, { field });
  }
  const field = error.keyword === 'required' ? child(String(error.params.missingProperty)) : parent;
  const code =
    (error.keyword === 'required' ? undefined : (overrides.fields?.[`${field}:${error.keyword}`] ?? overrides.fields?.[field])) ??
    overrides.keywords?.[error.keyword] ??
    overrides.otherwise ??
    (isObjectTypeError(error) ? 'INVALID_BODY' : error.keyword === 'required' ? 'MISSING_FIELD' : 'INVALID_FIELD');
  if (field === '') return badRequest(code, 'The body must be a JSON object as the OpenAPI document describes.');
  const rule = error.keyword === 'required' ? 'is required' : ruleOf(error);
  const limit = error.keyword === 'maxItems' ? { maxItems: error.params.limit as number } : {};
  return badRequest(code, `"${field}" ${rule}.`, { field, ...limit });
}

const isObjectTypeError = (error: ErrorObject) => error.keyword === 'type' && String(error.params.type).split(',').includes('object');

/** What a rule asks, from the schema's own description where it has one (Ajv's message never quotes the value). */
function ruleOf(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  const message = error.message ?? 'is invalid';
  return typeof description === 'string' ? `${message}: ${description.replace(/\.$/, '')}` : message;
}

/** A name the client chose: may itself be an address, so it is redacted and cut before it is echoed. */
const echoedName = (name: string) => redactIps(name).slice(0, MAX_ECHOED_NAME);
