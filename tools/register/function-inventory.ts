import {
  directTarget,
  isObject,
  referencedLogicalIds,
  renderString,
  type ResourceRef,
  type TemplateIndex,
} from '../../lib/retention/stack-templates.js';
import { registerResource, type ProcessingOperation } from './register-model.js';

/** Every Lambda function of the templates: what it is for, which routes reach it, what its role may do. */
export function processingOperations(index: TemplateIndex): ProcessingOperation[] {
  const routes = apiRoutes(index);
  return [...index.resources('AWS::Lambda::Function')].map((fn) => ({
    function: registerResource(fn),
    description: typeof fn.properties.Description === 'string' ? fn.properties.Description : '(no description)',
    routes: routes.filter((route) => route.target === fn.logicalId && route.stackName === fn.stackName).map((route) => route.route),
    access: roleAccess(index, fn),
  }));
}

interface Route {
  readonly stackName: string;
  readonly route: string;
  readonly target: string;
}

/** `METHOD /path` of every REST API method integrated with a function. */
function apiRoutes(index: TemplateIndex): Route[] {
  return [...index.resources('AWS::ApiGateway::Method')].flatMap((method) => {
    const integration = isObject(method.properties.Integration) ? method.properties.Integration : {};
    return [...referencedLogicalIds(integration.Uri)]
      .filter((id) => index.resource(method.stackName, id)?.type === 'AWS::Lambda::Function')
      .map((target) => ({ stackName: method.stackName, route: methodRoute(index, method), target }));
  });
}

/** `METHOD /path` of an AWS::ApiGateway::Method. */
export function methodRoute(index: TemplateIndex, method: ResourceRef & { readonly properties: Readonly<Record<string, unknown>> }): string {
  return `${String(method.properties.HttpMethod)} ${resourcePath(index, method, method.properties.ResourceId)}`;
}

function resourcePath(index: TemplateIndex, from: ResourceRef, resourceId: unknown): string {
  const resource = index.target(from, resourceId, 'AWS::ApiGateway::Resource');
  if (resource === undefined) return '/'; // Fn::GetAtt [api, RootResourceId]
  const props = index.properties(resource);
  const parent = resourcePath(index, resource, props.ParentId);
  return `${parent === '/' ? '' : parent}/${String(props.PathPart)}`;
}

/** The Allow statements of the function role's policies, with the template resources they name. */
function roleAccess(index: TemplateIndex, fn: ResourceRef): ProcessingOperation['access'] {
  const role = functionRole(index, fn);
  return [
    ...role.statements
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({
        actions: [statement.Action].flat().map(String),
        resources: [...referencedLogicalIds(statement.Resource)].flatMap((id) => {
          const resource = index.resource(fn.stackName, id);
          return resource ? [registerResource(resource)] : [];
        }),
      })),
    ...role.managedPolicyArns.map((arn) => ({ actions: [`managed policy ${renderString(arn) ?? '(computed)'}`], resources: [] })),
  ];
}

/** The statements (AWS::IAM::Policy and inline) and managed policies of a function's execution role in the templates. */
export function functionRole(index: TemplateIndex, fn: ResourceRef): { statements: Array<Record<string, unknown>>; managedPolicyArns: unknown[] } {
  const roleId = directTarget(index.properties(fn).Role);
  const role = roleId === undefined ? undefined : index.resource(fn.stackName, roleId);
  if (role === undefined) return { statements: [], managedPolicyArns: [] };
  const roleProps = index.properties(role);
  const attached = [...index.resources('AWS::IAM::Policy')]
    .filter((policy) => policy.stackName === fn.stackName && Array.isArray(policy.properties.Roles) && policy.properties.Roles.some((r) => directTarget(r) === roleId))
    .map((policy) => policy.properties.PolicyDocument);
  const inline = Array.isArray(roleProps.Policies) ? roleProps.Policies.filter(isObject).map((policy) => policy.PolicyDocument) : [];
  return {
    statements: [...attached, ...inline].flatMap((doc) => (isObject(doc) && Array.isArray(doc.Statement) ? doc.Statement.filter(isObject) : [])),
    managedPolicyArns: Array.isArray(roleProps.ManagedPolicyArns) ? roleProps.ManagedPolicyArns : [],
  };
}
