import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnElement, Stack, Token, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
}

/** One synthesized CloudFormation template, with what a report needs to name its resources. */
export interface StackTemplate {
  readonly stackName: string;
  /** Undefined for an environment-agnostic stack. */
  readonly region: string | undefined;
  readonly template: CfnTemplate;
  /** Logical id → construct path (e.g. EuEnrichment/Api/AccessLogs/LogGroup/Resource), where known. */
  readonly constructPaths: ReadonlyMap<string, string>;
  /** The template's file name in the cloud assembly, where it was read from one. */
  readonly templateFile?: string;
}

/** A resource of one of the templates, addressed by stack and logical id. */
export interface ResourceRef {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly constructPath: string | undefined;
}

/**
 * Synthesizes the app (all validations run, as in `cdk synth`) and returns the template of every
 * stack, nested stacks included.
 */
export function synthesizeStackTemplates(app: App): StackTemplate[] {
  return stackTemplatesIn(app, app.synth().directory);
}

/** The template of every stack below `root` (nested stacks included), read from a synthesized assembly directory. */
export function stackTemplatesIn(root: IConstruct, assemblyDirectory: string): StackTemplate[] {
  return root.node
    .findAll()
    .filter(Stack.isStack)
    .map((stack) => ({
      // A nested stack's name is only known at deploy time.
      stackName: Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      template: JSON.parse(readFileSync(path.join(assemblyDirectory, stack.templateFile), 'utf8')) as CfnTemplate,
      constructPaths: constructPathsOf(stack),
      templateFile: stack.templateFile,
    }));
}

function constructPathsOf(stack: Stack): Map<string, string> {
  const paths = new Map<string, string>();
  for (const element of stack.node.findAll()) {
    if (CfnElement.isCfnElement(element) && element.stack === stack) {
      paths.set(stack.resolve(element.logicalId) as string, element.node.path);
    }
  }
  return paths;
}

/** Every resource of every template, with typed lookups by reference. */
export class TemplateIndex {
  constructor(readonly stacks: readonly StackTemplate[]) {}

  /** Resources of one type (or of any type when omitted), across all stacks. */
  *resources(type?: string): Generator<ResourceRef & { readonly properties: Readonly<Record<string, unknown>> }> {
    for (const stack of this.stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        if (type !== undefined && resource.Type !== type) continue;
        yield { ...this.ref(stack, logicalId, resource.Type), properties: resource.Properties ?? {} };
      }
    }
  }

  /** A resource of a stack by logical id. */
  resource(stackName: string, logicalId: string): ResourceRef | undefined {
    const stack = this.stackOf({ stackName });
    const resource = stack.template.Resources?.[logicalId];
    return resource && this.ref(stack, logicalId, resource.Type);
  }

  /** The resource an expression points at directly ({Ref} / {Fn::GetAtt}) in the same stack, if of the wanted type. */
  target(from: ResourceRef, expression: unknown, type: string): ResourceRef | undefined {
    const logicalId = directTarget(expression);
    const resource = logicalId === undefined ? undefined : this.resource(from.stackName, logicalId);
    return resource?.type === type ? resource : undefined;
  }

  /**
   * The log group a name or ARN designates in the same stack: a direct reference, or a string whose
   * resource part is a log group's name (a literal `LogGroupName` or `{Ref}` to the group).
   */
  logGroup(from: ResourceRef, expression: unknown): ResourceRef | undefined {
    const direct = this.target(from, expression, 'AWS::Logs::LogGroup');
    if (direct !== undefined) return direct;
    const rendered = renderString(expression);
    if (rendered === undefined) return undefined;
    const name = rendered.includes(':log-group:') ? rendered.split(':log-group:')[1]!.replace(/:\*$/, '') : rendered;
    for (const group of this.resources('AWS::Logs::LogGroup')) {
      if (group.stackName !== from.stackName) continue;
      if (name === `\${${group.logicalId}}` || name === renderString(group.properties.LogGroupName)) return group;
    }
    return undefined;
  }

  properties(ref: ResourceRef): Readonly<Record<string, unknown>> {
    return this.stackOf(ref).template.Resources?.[ref.logicalId]?.Properties ?? {};
  }

  private stackOf(ref: Pick<ResourceRef, 'stackName'>): StackTemplate {
    const stack = this.stacks.find((s) => s.stackName === ref.stackName);
    if (stack === undefined) throw new Error(`No template for stack ${ref.stackName}`);
    return stack;
  }

  private ref(stack: StackTemplate, logicalId: string, type: string): ResourceRef {
    return { stackName: stack.stackName, logicalId, type, constructPath: stack.constructPaths.get(logicalId) };
  }
}

/** The logical id behind `{ Ref: X }` or `{ Fn::GetAtt: [X, attr] }`. */
export function directTarget(expression: unknown): string | undefined {
  if (!isObject(expression)) return undefined;
  if (typeof expression.Ref === 'string') return expression.Ref;
  const getAtt = expression['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every logical id an expression refers to (Ref, Fn::GetAtt, Fn::Sub placeholders), at any depth. */
export function referencedLogicalIds(expression: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    const target = directTarget(value);
    if (target !== undefined && !target.startsWith('AWS::')) ids.add(target);
    const sub = value['Fn::Sub'];
    const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    for (const match of subText?.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g) ?? []) ids.add(match[1]!);
    Object.values(value).forEach(visit);
  };
  visit(expression);
  return ids;
}

/**
 * A string expression rendered with its references as placeholders: `{Ref: X}` → `${X}`,
 * `{Fn::GetAtt: [X, A]}` → `${X.A}`, Fn::Join joined. Undefined for anything else.
 */
export function renderString(expression: unknown): string | undefined {
  if (typeof expression === 'string') return expression;
  if (!isObject(expression)) return undefined;
  if (typeof expression.Ref === 'string') return `\${${expression.Ref}}`;
  const getAtt = expression['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.join('.')}}`;
  const join = expression['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(renderString);
    return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Stack/Construct/Path (AWS::Type LogicalId)` — how reports name a resource. */
export function describeResource(ref: ResourceRef): string {
  const where = ref.constructPath ?? `${ref.stackName}/${ref.logicalId}`;
  return `${where} (${ref.type} ${ref.logicalId})`;
}
