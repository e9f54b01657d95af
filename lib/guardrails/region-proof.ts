import type { CfnResourceJson, TemplateScope } from './app-templates.js';

/**
 * Where a value in a template points to, as far as synth time can tell.
 * `inside`: an allowed region, or the stack's own region (which the StackRegion
 * rule checks). Anything the guard cannot read with certainty is `unproven`,
 * and the guard treats unproven like outside: it fails closed.
 */
export type RegionProof =
  | { readonly verdict: 'inside' }
  | { readonly verdict: 'outside'; readonly region: string }
  | { readonly verdict: 'unproven'; readonly reason: string };

/** What the value names: a region, an ARN (regional, or an S3 bucket ARN without region), or an S3 bucket name. */
export type LocationKind = 'region' | 'arn' | 'bucket-name';

const INSIDE: RegionProof = { verdict: 'inside' };
const THIS_REGION = '⟦this stack’s region⟧';
const DEPLOY_TIME = '⟦deploy-time value⟧';
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const MAX_DEPTH = 10;

/** Renders a resource reference inside a string; `::` is replaced so ARNs still split on `:`. */
function resourceMarker(type: string): string {
  return `⟦${type.replaceAll('::', '.')}⟧`;
}
const S3_BUCKET_MARKER = resourceMarker('AWS::S3::Bucket');

/** Resolves `Fn::ImportValue` across the app's templates (AppTemplates implements it). */
export interface ExportLookup {
  findExport(name: string, region: string | undefined): { value: unknown; scope: TemplateScope } | undefined;
}

/** Decides, from synthesized templates only, whether a destination stays in the allowed regions. */
export class RegionProver {
  constructor(
    private readonly exports: ExportLookup,
    private readonly allowedRegions: readonly string[],
  ) {}

  prove(value: unknown, kind: LocationKind, scope: TemplateScope, depth = 0): RegionProof {
    if (depth > MAX_DEPTH) return unproven('its references nest too deeply to follow');
    const fn = intrinsic(value);
    if (fn?.name === 'Ref' || fn?.name === 'Fn::GetAtt') {
      const target = referenceTarget(fn.name, fn.arg);
      if (target === 'AWS::NoValue') return INSIDE; // the property is left out: no destination at all
      if (target === 'AWS::Region') return kind === 'region' ? INSIDE : unproven('AWS::Region is a region, not a resource');
      const resource = target === undefined ? undefined : scope.template.Resources?.[target];
      if (target !== undefined && resource !== undefined) return resourceProof(target, resource, kind);
      const passed = fn.name === 'Ref' && target !== undefined ? scope.parent?.parameters[target] : undefined;
      if (passed !== undefined && scope.parent !== undefined) return this.prove(passed, kind, scope.parent.scope, depth + 1);
      return unproven(`${target ?? 'its reference'} is a parameter set outside this app at deploy time`);
    }
    if (fn?.name === 'Fn::ImportValue') {
      const exported = typeof fn.arg === 'string' ? this.exports.findExport(fn.arg, scope.region) : undefined;
      if (exported === undefined) return unproven(`it imports ${JSON.stringify(fn.arg)}, which no stack of this app exports`);
      return this.prove(exported.value, kind, exported.scope, depth + 1);
    }
    if (fn?.name === 'Fn::If' && Array.isArray(fn.arg) && fn.arg.length === 3) {
      return worst(this.prove(fn.arg[1], kind, scope, depth + 1), this.prove(fn.arg[2], kind, scope, depth + 1));
    }

    const text = this.render(value, scope, depth);
    if (kind === 'region') return this.regionVerdict(text);
    if (kind === 'arn') return this.arnVerdict(text);
    return unproven(`bucket ${JSON.stringify(text)} is not defined in this app, so its region is unknown`);
  }

  /**
   * The value as a string, with deploy-time parts replaced by markers: the
   * stack's region, a resource of a given type, or an unknown value.
   */
  render(value: unknown, scope: TemplateScope, depth = 0): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const fn = intrinsic(value);
    if (fn === undefined || depth > MAX_DEPTH) return DEPLOY_TIME;
    const next = (v: unknown, s: TemplateScope = scope): string => this.render(v, s, depth + 1);

    switch (fn.name) {
      case 'Ref':
      case 'Fn::GetAtt': {
        const target = referenceTarget(fn.name, fn.arg);
        if (target === undefined) return DEPLOY_TIME;
        const pseudo = fn.name === 'Ref' ? PSEUDO_PARAMETERS[target] : undefined;
        if (pseudo !== undefined) return pseudo;
        const resource = scope.template.Resources?.[target];
        if (resource !== undefined) return resourceMarker(resource.Type);
        const passed = fn.name === 'Ref' ? scope.parent?.parameters[target] : undefined;
        return passed !== undefined && scope.parent !== undefined ? next(passed, scope.parent.scope) : DEPLOY_TIME;
      }
      case 'Fn::Join': {
        const [separator, parts] = Array.isArray(fn.arg) ? fn.arg : [];
        return typeof separator === 'string' && Array.isArray(parts) ? parts.map((p) => next(p)).join(separator) : DEPLOY_TIME;
      }
      case 'Fn::Sub': {
        const [template, variables] = Array.isArray(fn.arg) ? fn.arg : [fn.arg, {}];
        if (typeof template !== 'string') return DEPLOY_TIME;
        const vars = (typeof variables === 'object' && variables !== null ? variables : {}) as Record<string, unknown>;
        return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (name in vars) return next(vars[name]);
          return name.includes('.') ? next({ 'Fn::GetAtt': name.split('.') }) : next({ Ref: name });
        });
      }
      case 'Fn::ImportValue': {
        const exported = typeof fn.arg === 'string' ? this.exports.findExport(fn.arg, scope.region) : undefined;
        return exported === undefined ? DEPLOY_TIME : next(exported.value, exported.scope);
      }
      case 'Fn::Select': {
        const [index, list] = Array.isArray(fn.arg) ? fn.arg : [];
        const item = Array.isArray(list) ? list[Number(index)] : undefined;
        return item === undefined ? DEPLOY_TIME : next(item);
      }
      default:
        return DEPLOY_TIME;
    }
  }

  private regionVerdict(region: string): RegionProof {
    if (region === THIS_REGION || this.allowedRegions.includes(region)) return INSIDE;
    if (REGION_NAME.test(region)) return { verdict: 'outside', region };
    return unproven(`its region ${JSON.stringify(region)} is only known at deploy time`);
  }

  private arnVerdict(arn: string): RegionProof {
    const parts = arn.split(':');
    if (parts[0] !== 'arn' || parts.length < 6) return unproven(`${JSON.stringify(arn)} is not an ARN whose region can be read`);
    const [, , service, region] = parts;
    if (region !== '') return this.regionVerdict(region ?? '');
    if (service !== 's3') return unproven(`${JSON.stringify(arn)} names no region`);
    const bucket = parts.slice(5).join(':').split('/')[0] ?? '';
    return bucket === S3_BUCKET_MARKER
      ? INSIDE
      : unproven(`an S3 bucket ARN names no region, and bucket ${JSON.stringify(bucket)} is not defined in this app`);
  }
}

const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': THIS_REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::AccountId': '⟦account⟧',
};

/** A resource of the same template lives in the stack's region, unless its value is computed at deploy time. */
function resourceProof(logicalId: string, resource: CfnResourceJson, kind: LocationKind): RegionProof {
  const computed = resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource' || resource.Type === 'AWS::SSM::Parameter';
  if (kind === 'region' || computed || (kind === 'bucket-name' && resource.Type !== 'AWS::S3::Bucket')) {
    return unproven(`${logicalId} (${resource.Type}) does not establish a region`);
  }
  return INSIDE;
}

/** `{ Ref: … }` or `{ 'Fn::…': … }`: a value CloudFormation computes at deploy time. */
export function intrinsic(value: unknown): { name: string; arg: unknown } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const name = keys[0];
  if (keys.length !== 1 || name === undefined || !(name === 'Ref' || name.startsWith('Fn::'))) return undefined;
  return { name, arg: (value as Record<string, unknown>)[name] };
}

function referenceTarget(name: string, arg: unknown): string | undefined {
  if (name === 'Ref') return typeof arg === 'string' ? arg : undefined;
  if (Array.isArray(arg)) return typeof arg[0] === 'string' ? arg[0] : undefined;
  return typeof arg === 'string' ? arg.split('.')[0] : undefined;
}

function worst(a: RegionProof, b: RegionProof): RegionProof {
  if (a.verdict === 'outside') return a;
  if (b.verdict === 'outside') return b;
  return a.verdict === 'unproven' ? a : b;
}

function unproven(reason: string): RegionProof {
  return { verdict: 'unproven', reason };
}
