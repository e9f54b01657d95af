import { RECORD_ID_PATTERN, REPORT_ID_PATTERN } from './register-layout.js';

/**
 * A personal data breach report from the processor to its controllers: the content GDPR Art. 33(3)
 * requires, plus when the breach occurred, was detected and is reported, and which controllers
 * (tenants) it affects. An Art. 33(4) update is a new report whose `updateOf` names the first record.
 */
export interface BreachReport {
  /** Client-chosen idempotency id: resending the same report never stores or notifies twice. */
  readonly reportId: string;
  /** Art. 33(3)(a): the nature of the breach. */
  readonly nature: string;
  /** Art. 33(3)(a): categories and approximate number of data subjects concerned. */
  readonly dataSubjects: CategoriesAndCount;
  /** Art. 33(3)(a): categories and approximate number of personal data records concerned. */
  readonly records: CategoriesAndCount;
  /** Art. 33(3)(b): the DPO or other contact point where more information can be obtained. */
  readonly contact: { readonly name: string; readonly email: string; readonly phone?: string };
  /** Art. 33(3)(c): the likely consequences of the breach. */
  readonly likelyConsequences: string;
  /** Art. 33(3)(d): measures taken or proposed, including to mitigate possible adverse effects. */
  readonly measures: { readonly taken: readonly string[]; readonly proposed: readonly string[]; readonly mitigation: string };
  readonly occurredAt: string;
  readonly detectedAt: string;
  /** When the processor reports it; the server's time when absent. */
  readonly reportedAt?: string;
  /** Ids of the configured tenants (controllers) whose data is concerned. */
  readonly affectedTenants: readonly string[];
  /** For an Art. 33(4) update: the record id of the first report of this breach. */
  readonly updateOf?: string;
  /**
   * `confirmed` (the default): a personal data breach. `withdrawn`: an update (updateOf) saying the
   * incident first reported turned out not to be a personal data breach, with `withdrawnBecause`.
   */
  readonly status?: BreachStatus;
  readonly withdrawnBecause?: string;
}

export const BREACH_STATUSES = ['confirmed', 'withdrawn'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];

/** Exactly one of approximateNumber and notYetKnownBecause: Art. 33(4) lets information follow in phases. */
export interface CategoriesAndCount {
  readonly categories: readonly string[];
  readonly approximateNumber?: number;
  /** Why the number cannot be given yet (it follows in an update); instead of a guess. */
  readonly notYetKnownBecause?: string;
}

const text = (maxLength: number) => ({ type: 'string', maxLength, pattern: '\\S' }) as const;
const dateTime = {
  type: 'string',
  format: 'date-time',
  description: 'an ISO 8601 date-time with a time zone, e.g. 2026-11-25T08:30:00Z',
} as const;
const categoriesAndCount = {
  type: 'object',
  additionalProperties: false,
  required: ['categories'],
  properties: {
    categories: { type: 'array', minItems: 1, maxItems: 50, items: text(200) },
    approximateNumber: { type: 'integer', minimum: 0 },
    notYetKnownBecause: text(1000),
  },
} as const;

/** The JSON Schema (draft-07) of a BreachReport; the API, the CLI dry run and the tests all use this one. */
export const BREACH_REPORT_SCHEMA = {
  $id: 'https://eu-ip-enrichment.example/schemas/breach-report.json',
  type: 'object',
  additionalProperties: false,
  required: [
    'reportId', 'nature', 'dataSubjects', 'records', 'contact', 'likelyConsequences', 'measures',
    'occurredAt', 'detectedAt', 'affectedTenants',
  ],
  properties: {
    reportId: { type: 'string', pattern: REPORT_ID_PATTERN, description: "8–40 letters, digits, '-' or '_' (a UUID fits)" },
    nature: text(4000),
    dataSubjects: categoriesAndCount,
    records: categoriesAndCount,
    contact: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'email'],
      properties: {
        name: text(200),
        email: { type: 'string', format: 'email', maxLength: 254, description: 'an e-mail address' },
        phone: { type: 'string', pattern: '^\\+?[0-9][0-9 ()./-]{4,29}$', description: 'a phone number such as +31 20 123 4567' },
      },
    },
    likelyConsequences: text(4000),
    measures: {
      type: 'object',
      additionalProperties: false,
      required: ['taken', 'proposed', 'mitigation'],
      properties: {
        taken: { type: 'array', maxItems: 50, items: text(1000) },
        proposed: { type: 'array', maxItems: 50, items: text(1000) },
        mitigation: text(4000),
      },
    },
    occurredAt: dateTime,
    detectedAt: dateTime,
    reportedAt: dateTime,
    affectedTenants: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 32 } },
    updateOf: { type: 'string', pattern: RECORD_ID_PATTERN, description: 'a breach record id such as BR-20261125-<reportId>' },
    status: { type: 'string', enum: BREACH_STATUSES, description: 'confirmed or withdrawn' },
    withdrawnBecause: text(4000),
  },
} as const;
