import * as apigw from 'aws-cdk-lib/aws-apigateway';
import openapi from '../api/openapi.json' with { type: 'json' };
import type { RequestSchemaName } from '../api/routes.js';

/**
 * The OpenAPI document's request schema as an API Gateway model, so the gateway rejects a malformed
 * body before any function runs, from the same definition the handlers are tested against.
 */
export function requestModel(api: apigw.RestApi, schemaName: RequestSchemaName): apigw.Model {
  const existing = api.node.tryFindChild(`Model${schemaName}`);
  if (existing) return existing as apigw.Model;
  const { description: _description, ...schema } = openapi.components.schemas[schemaName] as Record<string, unknown>;
  return api.addModel(`Model${schemaName}`, {
    contentType: 'application/json',
    modelName: schemaName,
    schema: { ...(schema as apigw.JsonSchema), schema: apigw.JsonSchemaVersion.DRAFT4, title: schemaName },
  });
}
