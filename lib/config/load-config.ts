import { TENANT_ID_PATTERN } from '../../lambdas/shared/tenants/tenant-id.js';
import { DEFAULT_VISIT_SHARDS, MAX_VISIT_SHARDS } from '../../lambdas/shared/visits/table-schema.js';
import { DEPLOYMENT_REGION, EU_REGIONS, isEuRegion, type EuRegion } from '../eu-regions.js';
import { breakGlassProblems } from '../guardrails/region-deny-scp.js';
import { itemTtlDays, TTL_DELETION_DELAY_DAYS } from '../retention/retention-limits.js';
import type { AppConfig, ControllerInstructions, ProcessorIdentity, ReservedConcurrency, TenantConfig } from './app-config.js';
import { integerIn } from './config-values.js';
import { sitesFrom } from './sites-config.js';

/** Reads a raw context value; matches `Node.tryGetContext` so the app can pass `app.node`. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (cdk.json context or -c overrides):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:aws:(iam|sts)::\d{12}:[\w+=,.@/*-]+$/;
const GUARDRAIL_TARGET = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}|\d{12})$/;
/** Scheme, host and optional port: what a browser sends as Origin. */
const HTTPS_ORIGIN = /^https:\/\/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::\d{1,5})?$/;

export const DEFAULTS = {
  retentionDays: 30,
  pointInTimeRecoveryDays: 7,
  visitShards: DEFAULT_VISIT_SHARDS,
  reservedConcurrency: { enrich: 50, visits: 50, visitorData: 10 },
  accountConcurrencyLimit: 1000,
  auditLogRetentionDays: 400,
  breachRecordRetentionYears: 5,
  rateLimit: 50,
  burstLimit: 100,
  monthlyQuota: 1_000_000,
} as const;

/**
 * Stands in for the processor's identity in the local run only (`npm start`), which deploys nothing
 * and publishes no register; a deployment must name the real processor.
 */
export const DEMO_PROCESSOR: ProcessorIdentity = {
  name: 'Local Demo Processor (not a legal entity)',
  address: 'Local run, no registered office',
  registrationNumber: 'none (local run)',
  dpo: { name: 'Local demo DPO', email: 'dpo@processor.example' },
};

/**
 * What the configuration is for: `deployment` (cdk synth/deploy, the register, the audit pack) requires
 * every Art. 30(2)(a) fact; `local` (the local server) falls back to DEMO_PROCESSOR.
 */
export type ConfigUse = 'deployment' | 'local';

/**
 * Turns CDK context into a validated AppConfig, or throws one ConfigError that
 * lists every problem. Values given with `-c key=value` arrive as strings, so
 * numbers and JSON arrays are parsed here too.
 */
export function loadConfig(context: ContextSource, env: NodeJS.ProcessEnv = process.env, use: ConfigUse = 'deployment'): AppConfig {
  const problems: string[] = [];
  const read = (key: string): unknown => parseCliValue(context.tryGetContext(key));

  const region = read('region') ?? DEPLOYMENT_REGION;
  if (region !== DEPLOYMENT_REGION) {
    problems.push(`region: must be ${DEPLOYMENT_REGION} (the processing location of the agreement), got ${JSON.stringify(region)}`);
  }

  const account = read('account') ?? env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !(typeof account === 'string' && ACCOUNT_ID.test(account))) {
    problems.push(`account: must be a 12-digit AWS account id, got ${JSON.stringify(account)}`);
  }

  const problemsBeforeRetention = problems.length;
  const retentionDays = integerIn(read('retentionDays') ?? DEFAULTS.retentionDays, 1, 3650, 'retentionDays', problems);
  const pointInTimeRecoveryDays = integerIn(read('pointInTimeRecoveryDays') ?? DEFAULTS.pointInTimeRecoveryDays, 0, 35, 'pointInTimeRecoveryDays', problems);
  // Only for valid numbers: an invalid one is reported once, above.
  if (problems.length === problemsBeforeRetention && itemTtlDays(retentionDays, pointInTimeRecoveryDays) < 1) {
    problems.push(
      `retentionDays: ${retentionDays} days cannot hold a visit for a day plus the TTL deletion delay (${TTL_DELETION_DELAY_DAYS} days) ` +
        `plus the point-in-time-recovery window (pointInTimeRecoveryDays: ${pointInTimeRecoveryDays}); raise it or shorten the window`,
    );
  }
  const visitShards = integerIn(read('visitShards') ?? DEFAULTS.visitShards, 1, MAX_VISIT_SHARDS, 'visitShards', problems);
  const accountConcurrencyLimit = integerIn(read('accountConcurrencyLimit') ?? DEFAULTS.accountConcurrencyLimit, 1000, 1_000_000, 'accountConcurrencyLimit', problems);
  const reservedConcurrency = reservedConcurrencyFrom(read('reservedConcurrency') ?? DEFAULTS.reservedConcurrency, accountConcurrencyLimit, problems);
  const auditLogRetentionDays = integerIn(
    read('auditLogRetentionDays') ?? DEFAULTS.auditLogRetentionDays, 92, 3650, 'auditLogRetentionDays', problems,
  );
  const breachRecordRetentionYears = integerIn(
    read('breachRecordRetentionYears') ?? DEFAULTS.breachRecordRetentionYears, 1, 100, 'breachRecordRetentionYears', problems,
  );

  const mmdbPath = read('mmdbPath');
  if (mmdbPath !== undefined && mmdbPath !== null && (typeof mmdbPath !== 'string' || mmdbPath.trim() === '')) {
    problems.push('mmdbPath: must be a path to an .mmdb file, or absent to use the default database');
  }

  const tenants = tenantsFrom(read('tenants'), problems);
  const operationsEmails = emailsFrom(read('operationsEmails') ?? [], 'operationsEmails', problems);
  const auditorPrincipals = stringsMatching(read('auditorPrincipals') ?? [], PRINCIPAL_ARN, 'auditorPrincipals', 'an IAM principal ARN', problems);
  const guardrailTargets = stringsMatching(read('guardrailTargets') ?? [], GUARDRAIL_TARGET, 'guardrailTargets', 'an Organizations root, OU or account id', problems);
  const allowedRegions = allowedRegionsFrom(read('allowedRegions') ?? [...EU_REGIONS], problems);

  const rawProcessor = read('processor');
  const processor = rawProcessor === undefined && use === 'local' ? DEMO_PROCESSOR : processorFrom(rawProcessor, problems);

  const breakGlass = read('breakGlassRoleArnPattern');
  const breakGlassAdministrator = read('breakGlassAdministratorArn');
  if (breakGlass !== undefined && breakGlass !== null) {
    if (typeof breakGlass !== 'string' || typeof breakGlassAdministrator !== 'string') {
      problems.push(
        'breakGlassRoleArnPattern and breakGlassAdministratorArn: a break-glass role needs an ARN pattern (string) and the ' +
          'one administrator principal allowed to create or change it, e.g. arn:aws:iam::*:role/OrganizationAccountAccessRole',
      );
    } else {
      problems.push(...breakGlassProblems({ roleArnPattern: breakGlass, administratorArn: breakGlassAdministrator }));
    }
  } else if (breakGlassAdministrator !== undefined && breakGlassAdministrator !== null) {
    problems.push('breakGlassAdministratorArn: set only together with breakGlassRoleArnPattern');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    processor,
    account: account as string | undefined,
    region: DEPLOYMENT_REGION,
    retentionDays,
    pointInTimeRecoveryDays,
    visitShards,
    reservedConcurrency,
    accountConcurrencyLimit,
    auditLogRetentionDays,
    mmdbPath: typeof mmdbPath === 'string' ? mmdbPath : undefined,
    tenants,
    operationsEmails,
    breachRecordRetentionYears,
    auditorPrincipals,
    allowedRegions,
    guardrailTargets,
    breakGlassRoleArnPattern: typeof breakGlass === 'string' ? breakGlass : undefined,
    breakGlassAdministratorArn: typeof breakGlassAdministrator === 'string' ? breakGlassAdministrator : undefined,
  };
}

/** Reserved by the functions outside the configuration: data-subject requests 5, breach report 5, breach notify 2. */
export const FIXED_RESERVED_CONCURRENCY = 12;
/** AWS refuses a reservation that leaves fewer unreserved executions than this. */
export const MIN_UNRESERVED_CONCURRENCY = 100;

function reservedConcurrencyFrom(value: unknown, accountLimit: number, problems: string[]): ReservedConcurrency {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('reservedConcurrency: must be an object { enrich, visits, visitorData }');
    return DEFAULTS.reservedConcurrency;
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!(key in DEFAULTS.reservedConcurrency)) problems.push(`reservedConcurrency.${key}: unknown function`);
  const share = (key: keyof ReservedConcurrency) => integerIn(raw[key] ?? DEFAULTS.reservedConcurrency[key], 1, accountLimit, `reservedConcurrency.${key}`, problems);
  const reserved = { enrich: share('enrich'), visits: share('visits'), visitorData: share('visitorData') };
  const total = reserved.enrich + reserved.visits + reserved.visitorData + FIXED_RESERVED_CONCURRENCY;
  if (total > accountLimit - MIN_UNRESERVED_CONCURRENCY) {
    problems.push(
      `reservedConcurrency: ${total} reserved executions (with ${FIXED_RESERVED_CONCURRENCY} of the other functions) leave fewer than ` +
        `${MIN_UNRESERVED_CONCURRENCY} of accountConcurrencyLimit ${accountLimit} unreserved, which AWS refuses: raise the quota and accountConcurrencyLimit first`,
    );
  }
  return reserved;
}

function parseCliValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || trimmed === 'null') {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function emailsFrom(value: unknown, key: string, problems: string[]): string[] {
  if (!Array.isArray(value)) {
    problems.push(`${key}: must be a list of e-mail addresses`);
    return [];
  }
  value.forEach((email, i) => {
    if (typeof email !== 'string' || !EMAIL.test(email)) problems.push(`${key}[${i}]: malformed e-mail address ${JSON.stringify(email)}`);
  });
  return value as string[];
}

function stringsMatching(value: unknown, pattern: RegExp, key: string, what: string, problems: string[]): string[] {
  if (!Array.isArray(value)) {
    problems.push(`${key}: must be a list`);
    return [];
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item)) problems.push(`${key}[${i}]: must be ${what}, got ${JSON.stringify(item)}`);
  });
  return value as string[];
}

function allowedRegionsFrom(value: unknown, problems: string[]): EuRegion[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('allowedRegions: must be a non-empty list of EU regions');
    return [];
  }
  value.forEach((region, i) => {
    if (typeof region !== 'string' || !isEuRegion(region)) {
      problems.push(`allowedRegions[${i}]: ${JSON.stringify(region)} is not an AWS region in the EU (allowed: ${EU_REGIONS.join(', ')})`);
    }
  });
  if (!value.includes(DEPLOYMENT_REGION)) problems.push(`allowedRegions: must include ${DEPLOYMENT_REGION}, where the service runs`);
  return value as EuRegion[];
}

const PROCESSOR_TEXT_FIELDS = {
  name: "the processor's legal name",
  address: 'the postal address of its registered office',
  registrationNumber: 'its trade-register number and register',
} as const;

/** Art. 30(2)(a): name and contact details of the processor and of its data protection officer. */
function processorFrom(value: unknown, problems: string[]): ProcessorIdentity {
  const usage = 'processor: required for a deployment (Art. 30(2)(a)): {"name", "address", "registrationNumber", "dpo": {"name", "email"}}';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${usage}, got ${JSON.stringify(value ?? null)}`);
    return DEMO_PROCESSOR;
  }
  const p = value as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!['dpo', ...Object.keys(PROCESSOR_TEXT_FIELDS)].includes(key)) problems.push(`processor.${key}: unknown setting`);
  for (const [key, what] of Object.entries(PROCESSOR_TEXT_FIELDS)) {
    if (typeof p[key] !== 'string' || p[key].trim() === '') problems.push(`processor.${key}: must be ${what}`);
  }
  const dpo = typeof p.dpo === 'object' && p.dpo !== null ? (p.dpo as Record<string, unknown>) : {};
  if (typeof dpo.name !== 'string' || dpo.name.trim() === '') problems.push('processor.dpo.name: must name the data protection officer');
  if (typeof dpo.email !== 'string' || !EMAIL.test(dpo.email)) problems.push(`processor.dpo.email: must be the DPO's e-mail address, got ${JSON.stringify(dpo.email ?? null)}`);
  return {
    name: p.name as string,
    address: p.address as string,
    registrationNumber: p.registrationNumber as string,
    dpo: { name: dpo.name as string, email: dpo.email as string },
  };
}

/** Only the shape is checked here; whether the agreement allows them is instruction-review's job. */
function instructionsFrom(value: unknown, where: string, problems: string[]): ControllerInstructions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where}: must be an object with storeVisitsFrom, retentionDays and/or regions`);
    return {};
  }
  const i = value as Record<string, unknown>;
  for (const key of Object.keys(i)) if (!['storeVisitsFrom', 'retentionDays', 'regions'].includes(key)) problems.push(`${where}.${key}: unknown instruction`);
  const strings = (key: string) => (i[key] === undefined ? undefined : stringsMatching(i[key], /^[a-z0-9-]+$/, `${where}.${key}`, 'a lower-case name', problems));
  return {
    ...(i.storeVisitsFrom !== undefined ? { storeVisitsFrom: strings('storeVisitsFrom') } : {}),
    ...(i.retentionDays !== undefined ? { retentionDays: integerIn(i.retentionDays, 1, 36500, `${where}.retentionDays`, problems) } : {}),
    ...(i.regions !== undefined ? { regions: strings('regions') } : {}),
  };
}

function tenantsFrom(value: unknown, problems: string[]): TenantConfig[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('tenants: must be a non-empty list of tenants (controllers)');
    return [];
  }
  const seen = new Set<string>();
  /** Publishable keys are unique across tenants: a key names one site of one tenant. */
  const publishableKeys = new Set<string>();
  return value.map((raw, i): TenantConfig => {
    const where = `tenants[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${where}: must be an object`);
      return raw as TenantConfig;
    }
    const t = raw as Record<string, unknown>;
    const known = new Set(['id', 'name', 'contactEmails', 'rateLimit', 'burstLimit', 'monthlyQuota', 'requestFormOrigins', 'sites', 'instructions', 'auditorPrincipals']);
    for (const key of Object.keys(t)) if (!known.has(key)) problems.push(`${where}.${key}: unknown setting`);
    if (typeof t.id !== 'string' || !TENANT_ID_PATTERN.test(t.id)) {
      problems.push(`${where}.id: must be 1–32 lower-case letters, digits or dashes, got ${JSON.stringify(t.id)}`);
    } else if (seen.has(t.id)) {
      problems.push(`${where}.id: duplicate tenant id ${t.id}`);
    } else {
      seen.add(t.id);
    }
    if (typeof t.name !== 'string' || t.name.trim() === '') problems.push(`${where}.name: every tenant needs a name`);
    const contactEmails = emailsFrom(t.contactEmails, `${where}.contactEmails`, problems);
    if (contactEmails.length === 0 && Array.isArray(t.contactEmails)) problems.push(`${where}.contactEmails: at least one DPO/contact address is required`);
    return {
      id: t.id as string,
      name: t.name as string,
      contactEmails,
      rateLimit: integerIn(t.rateLimit ?? DEFAULTS.rateLimit, 1, 10_000, `${where}.rateLimit`, problems),
      burstLimit: integerIn(t.burstLimit ?? DEFAULTS.burstLimit, 1, 5_000, `${where}.burstLimit`, problems),
      monthlyQuota: integerIn(t.monthlyQuota ?? DEFAULTS.monthlyQuota, 1, 1_000_000_000, `${where}.monthlyQuota`, problems),
      requestFormOrigins: stringsMatching(t.requestFormOrigins ?? [], HTTPS_ORIGIN, `${where}.requestFormOrigins`, 'an https origin such as https://www.example.com', problems),
      instructions: instructionsFrom(t.instructions, `${where}.instructions`, problems),
      auditorPrincipals: stringsMatching(t.auditorPrincipals ?? [], PRINCIPAL_ARN, `${where}.auditorPrincipals`, 'an IAM principal ARN', problems),
      sites: sitesFrom(t.sites ?? [], `${where}.sites`, publishableKeys, problems),
    };
  });
}
