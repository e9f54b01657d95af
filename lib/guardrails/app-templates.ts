import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NestedStack, Stack, type IPolicyValidationContext } from 'aws-cdk-lib';

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface CfnTemplateJson {
  readonly Resources?: Readonly<Record<string, CfnResourceJson>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>>;
}

/** One synthesized CloudFormation template and the region it deploys to. */
export interface TemplateScope {
  readonly templatePath: string;
  /** Construct path of the stack (or nested stack) the template belongs to. */
  readonly stackPath: string;
  /** Undefined when the stack is environment-agnostic (region unknown until deploy). */
  readonly region: string | undefined;
  readonly template: CfnTemplateJson;
  /** Set for a nested stack: its parent's template and the Parameters the parent passes in. */
  readonly parent?: { readonly scope: TemplateScope; readonly parameters: Readonly<Record<string, unknown>> };
}

/** Every template of the app, nested stacks included, with cross-stack export lookup. */
export class AppTemplates {
  /** Top-level stacks first, then nested stacks; a nested stack deploys in its parent's region. */
  readonly scopes: readonly TemplateScope[];

  constructor(context: IPolicyValidationContext) {
    const stacks = context.appConstruct.node.findAll().filter(Stack.isStack);
    const scopes: TemplateScope[] = [];
    const scopeOf = new Map<Stack, TemplateScope>();

    for (const entry of context.stackTemplates) {
      const stack = stacks.find((s) => !NestedStack.isNestedStack(s) && s.templateFile === path.basename(entry.templatePath));
      const scope: TemplateScope = {
        templatePath: entry.templatePath,
        stackPath: stack?.node.path ?? entry.stackConstructPath,
        region: entry.region,
        template: readTemplate(entry.templatePath),
      };
      scopes.push(scope);
      if (stack !== undefined) scopeOf.set(stack, scope);
    }
    // findAll() is pre-order, so a parent's scope exists before its nested stacks are reached.
    for (const nested of stacks.filter(NestedStack.isNestedStack)) {
      const parentStack = nested.nestedStackParent;
      const parent = parentStack === undefined ? undefined : scopeOf.get(parentStack);
      if (parentStack === undefined || parent === undefined || nested.nestedStackResource === undefined) continue;
      const logicalId = parentStack.getLogicalId(nested.nestedStackResource);
      const templatePath = path.join(path.dirname(parent.templatePath), nested.templateFile);
      const scope: TemplateScope = {
        templatePath,
        stackPath: nested.node.path,
        region: parent.region,
        template: readTemplate(templatePath),
        parent: { scope: parent, parameters: asRecord(parent.template.Resources?.[logicalId]?.Properties?.Parameters) },
      };
      scopes.push(scope);
      scopeOf.set(nested, scope);
    }
    this.scopes = scopes;
  }

  /** The value behind `Fn::ImportValue`: exports are per region, so only stacks of the importer's region count. */
  findExport(name: string, region: string | undefined): { value: unknown; scope: TemplateScope } | undefined {
    for (const scope of this.scopes) {
      if (scope.region !== region) continue;
      for (const output of Object.values(scope.template.Outputs ?? {})) {
        if (output.Export?.Name === name) return { value: output.Value, scope };
      }
    }
    return undefined;
  }
}

function readTemplate(templatePath: string): CfnTemplateJson {
  return JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplateJson;
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
