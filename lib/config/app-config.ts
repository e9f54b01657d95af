import type { EuRegion } from '../eu-regions.js';

/** One controller (customer of the processor) with its own API key and usage plan. */
export interface TenantConfig {
  /** Stable slug used in data keys and resource names: lower-case letters, digits and dashes. */
  readonly id: string;
  /** The controller's name, as in the processor agreement. */
  readonly name: string;
  /** The controller's DPO / contact addresses: breach notifications and data-subject requests go here. */
  readonly contactEmails: readonly string[];
  /** Steady-state requests per second allowed by the tenant's usage plan. */
  readonly rateLimit: number;
  /** Burst of requests allowed above the steady rate. */
  readonly burstLimit: number;
  /** Requests per month allowed by the tenant's usage plan. */
  readonly monthlyQuota: number;
  /**
   * Origins (https://host[:port]) of the pages that carry the tenant's data-subject request form:
   * the only origins browsers may send requests from (CORS). Empty: only same-origin or server-side posts.
   */
  readonly requestFormOrigins: readonly string[];
  /** IAM principal ARNs of the controller's auditors: they may read its audit packs and register view only (with MFA). */
  readonly auditorPrincipals: readonly string[];
  /** What the controller instructed, as recorded; reviewed against the agreement at synth (lib/compliance/instruction-review.ts). */
  readonly instructions: ControllerInstructions;
  /** The tenant's websites whose page views the snippet may report to the public collector. */
  readonly sites: readonly SiteConfig[];
}

/** Settings a controller may instruct (agreement 2.4); each is checked against the agreement and the deployment. */
export interface ControllerInstructions {
  /** Network classifications whose visits the controller wants stored (the service stores organisations' only). */
  readonly storeVisitsFrom?: readonly string[];
  /** How long the controller wants visits kept, in days. */
  readonly retentionDays?: number;
  /** Regions the controller allows processing in. */
  readonly regions?: readonly string[];
}

/** The processor's identity for Art. 30(2)(a): required for a deployment (see load-config.ts). */
export interface ProcessorIdentity {
  /** Legal name, as in the processor agreement. */
  readonly name: string;
  /** Postal address of the registered office. */
  readonly address: string;
  /** Trade-register (company) number, with the register that keeps it. */
  readonly registrationNumber: string;
  /** The processor's data protection officer (Art. 37), or the person designated for data protection. */
  readonly dpo: { readonly name: string; readonly email: string };
}

/**
 * One website of a tenant that reports page views through the snippet (POST /v1/collect). Its
 * publishable key is embedded in the page for anyone to read: it records page views of this site
 * from these origins and does nothing else (it is not an API key).
 */
export interface SiteConfig {
  /** Stored with each visit; 1–100 letters, digits, `._:-`, never an IP address. */
  readonly siteId: string;
  /** `pk_` and 20–64 letters, digits, `_` or `-`; unique across all tenants. */
  readonly publishableKey: string;
  /** Origins (`https://host[:port]`; `http://localhost[:port]` for local trials) whose pages may report. */
  readonly allowedOrigins: readonly string[];
  /** Sec-GPC: 1 means nothing is recorded. @default true */
  readonly honourGlobalPrivacyControl: boolean;
  /** DNT: 1 means nothing is recorded. @default true */
  readonly honourDoNotTrack: boolean;
  /** Ceiling on the page views the collector accepts for this site in any one minute. @default 600 */
  readonly pageViewsPerMinute: number;
}

/** Concurrent executions reserved per API function: its guaranteed share, and its cap. */
export interface ReservedConcurrency {
  readonly enrich: number;
  readonly visits: number;
  readonly visitorData: number;
}

/** The whole deployment's configuration, validated once at the edge (see load-config.ts). */
export interface AppConfig {
  /** Who the processor is: named in the register, the change notices and the audit packs. */
  readonly processor: ProcessorIdentity;
  /** Target account; undefined leaves it to the CLI's credentials at deploy time. */
  readonly account: string | undefined;
  /** Always eu-central-1: the processor agreement's processing location. */
  readonly region: EuRegion;
  /** How long any personal data (visits, logs holding IPs) is kept, in days (1–3650), counting every copy. */
  readonly retentionDays: number;
  /**
   * Point-in-time recovery window of the visits table in days (0 = off, at most 35). It is part of the
   * retention: visits expire after retentionDays − TTL deletion delay − this window (see lib/retention).
   */
  readonly pointInTimeRecoveryDays: number;
  /**
   * Partition keys each tenant's visits are spread over (1–MAX_VISIT_SHARDS, default DEFAULT_VISIT_SHARDS):
   * one partition key takes about 1,000 visits per second. Raise it for a tenant with more; never lower it.
   */
  readonly visitShards: number;
  /**
   * Reserved concurrency of the API functions: a busy route cannot take the concurrency the others
   * need, and none can take all of the account's. Their sum, with the small fixed reservations of the
   * other functions, must leave the 100 unreserved executions AWS requires of accountConcurrencyLimit.
   */
  readonly reservedConcurrency: ReservedConcurrency;
  /** The account's Lambda concurrent-executions quota in eu-central-1 (AWS default 1,000; raise it with Service Quotas first). */
  readonly accountConcurrencyLimit: number;
  /** The operator's own MMDB file; undefined means the default database built from @ip-location-db/asn. */
  readonly mmdbPath: string | undefined;
  readonly tenants: readonly TenantConfig[];
  /** The processor's own operations team: suspected incidents and alarms go here, never to controllers. */
  readonly operationsEmails: readonly string[];
  /**
   * How long the audit trail (CloudTrail: who did what, including data events that name pseudonymised
   * keys) is kept, in days: at least one audit quarter plus slack (92–3650).
   */
  readonly auditLogRetentionDays: number;
  /** Object Lock COMPLIANCE retention of breach records, in years. */
  readonly breachRecordRetentionYears: number;
  /** IAM principal ARNs allowed to assume the auditor role. */
  readonly auditorPrincipals: readonly string[];
  /** Regions the SCP allows: the EU list or a narrowing of it, never wider. */
  readonly allowedRegions: readonly EuRegion[];
  /** Organizations OU / account ids the SCP is attached to. */
  readonly guardrailTargets: readonly string[];
  /** IAM role ARN pattern exempt from the SCP (break-glass), on a dedicated path, e.g. arn:aws:iam::*:role/break-glass/BreakGlass. */
  readonly breakGlassRoleArnPattern: string | undefined;
  /**
   * The one principal that may create or change the break-glass role (the SCP denies it to everyone
   * else), e.g. arn:aws:iam::*:role/OrganizationAccountAccessRole. Required with breakGlassRoleArnPattern.
   */
  readonly breakGlassAdministratorArn: string | undefined;
}
