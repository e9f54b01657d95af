import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { recordIdFor } from './register-layout.js';
import { fieldPath } from '../shared/http/field-path.js';
import { BREACH_REPORT_SCHEMA, type BreachReport } from './report-schema.js';

/** A field path (`contact.email`, `measures.taken[2]`) → what is wrong with it. */
export type FieldProblems = Record<string, string>;

export type ReportValidation = { ok: true; report: BreachReport } | { ok: false; fields: FieldProblems };

export interface ValidationContext {
  /** The configured tenant ids; undefined skips the check (a dry run without the deployment's config). */
  readonly tenantIds: readonly string[] | undefined;
  readonly now: Date;
}

/** Clocks drift: a time this far ahead of ours is still accepted as "now". */
const CLOCK_SKEW_MS = 5 * 60_000;

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
addFormats(ajv, ['date-time', 'email']);
const schemaCheck = ajv.compile<BreachReport>(BREACH_REPORT_SCHEMA);

/**
 * Checks a report against the schema and the rules a schema cannot express (time order, configured
 * tenants, at least one measure). Every problem is reported, each under the path of its field.
 */
export function validateBreachReport(input: unknown, context: ValidationContext): ReportValidation {
  if (!schemaCheck(input)) return { ok: false, fields: fieldProblems(schemaCheck.errors ?? []) };
  const fields = semanticProblems(input, context);
  return Object.keys(fields).length === 0 ? { ok: true, report: input } : { ok: false, fields };
}

function semanticProblems(report: BreachReport, { tenantIds, now }: ValidationContext): FieldProblems {
  const problems: FieldProblems = {};
  const latest = now.getTime() + CLOCK_SKEW_MS;
  const time = (value: string) => Date.parse(value);
  for (const field of ['occurredAt', 'detectedAt', 'reportedAt'] as const) {
    const value = report[field];
    if (value !== undefined && time(value) > latest) problems[field] = 'must not be in the future';
  }
  if (time(report.occurredAt) > time(report.detectedAt)) problems.occurredAt ??= 'must not be after detectedAt';
  if (report.reportedAt !== undefined && time(report.reportedAt) < time(report.detectedAt)) {
    problems.reportedAt ??= 'must not be before detectedAt';
  }
  if (report.measures.taken.length === 0 && report.measures.proposed.length === 0) {
    problems.measures = 'name at least one measure taken or proposed';
  }
  if (tenantIds !== undefined) {
    report.affectedTenants.forEach((tenant, i) => {
      if (!tenantIds.includes(tenant)) problems[`affectedTenants[${i}]`] = `"${tenant}" is not a configured tenant`;
    });
  }
  if (report.updateOf !== undefined && report.updateOf === recordIdFor(report.reportId, report.detectedAt)) {
    problems.updateOf = 'must name the first record of this breach, not this report itself';
  }
  for (const field of ['dataSubjects', 'records'] as const) {
    const { approximateNumber, notYetKnownBecause } = report[field];
    if ((approximateNumber === undefined) === (notYetKnownBecause === undefined)) {
      problems[`${field}.approximateNumber`] =
        'give either an approximate number or notYetKnownBecause (why it is not known yet: it may follow in an update, Art. 33(4))';
    }
  }
  if (report.status === 'withdrawn') {
    if (report.updateOf === undefined) problems.status = 'a withdrawal is an update: name the record it withdraws in updateOf';
    if (report.withdrawnBecause === undefined) problems.withdrawnBecause = 'say why the incident turned out not to be a personal data breach';
  } else if (report.withdrawnBecause !== undefined) {
    problems.withdrawnBecause = 'only a withdrawal (status "withdrawn") gives a reason for withdrawing';
  }
  return problems;
}

function fieldProblems(errors: readonly ErrorObject[]): FieldProblems {
  const problems: FieldProblems = {};
  for (const error of errors) {
    const [field, problem] = describe(error);
    problems[field] = problems[field] && problems[field] !== problem ? `${problems[field]}; ${problem}` : problem;
  }
  return problems;
}

function describe(error: ErrorObject): [field: string, problem: string] {
  const path = fieldPath(error.instancePath);
  const child = (name: string) => (path === '' ? name : `${path}.${name}`);
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return [child(String(params.missingProperty)), 'is required'];
    case 'additionalProperties':
      return [child(String(params.additionalProperty)), 'is not a field of a breach report'];
    case 'type':
      return [path || '(body)', `must be ${article(String(params.type))}`];
    case 'format':
    case 'pattern':
      if (error.keyword === 'pattern' && params.pattern === '\\S') return [path, 'must not be blank'];
      return [path, `must be ${hint ?? `in the format ${String(params.format ?? params.pattern)}`}`];
    case 'minLength':
      return [path, 'must not be empty'];
    case 'maxLength':
      return [path, `must be at most ${String(params.limit)} characters`];
    case 'minItems':
      return [path, `must list at least ${String(params.limit)} item(s)`];
    case 'maxItems':
      return [path, `must list at most ${String(params.limit)} items`];
    case 'minimum':
      return [path, `must be at least ${String(params.limit)}`];
    case 'enum':
      return [path, `must be ${hint ?? `one of ${(params.allowedValues as unknown[]).join(', ')}`}`];
    case 'uniqueItems':
      return [path, 'must not list the same item twice'];
    default:
      return [path || '(body)', error.message ?? 'is invalid'];
  }
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'an object', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number' };
  return names[type] ?? `of type ${type}`;
}
