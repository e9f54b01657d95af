import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Register } from '../../tools/register/register-model.js';
import type { MaterialChange, MaterialFacts } from './material-facts.js';

/** One announcement of material changes to every controller (agreement 12.4). */
export interface ChangeNotice {
  readonly id: string;
  readonly recordedAt: string;
  /** YYYY-MM-DD, at least three months after recordedAt. */
  readonly effectiveFrom: string;
  readonly changes: readonly MaterialChange[];
  /** Set by `npm run change-notice -- send`: when, and the SNS message id per controller. */
  readonly sent?: { readonly at: string; readonly messageIds: Readonly<Record<string, string>> };
  /** Deploying before effectiveFrom, on someone's recorded responsibility. */
  readonly override?: { readonly by: string; readonly reason: string; readonly recordedAt: string };
}

/** An instruction accepted with a warning (agreement 2.4), and when it was sent to that controller. */
export interface SentWarning {
  readonly tenantId: string;
  readonly instruction: string;
  readonly reason: string;
  readonly sentAt: string;
  readonly messageId: string;
}

/**
 * compliance/change-notices.json, kept in the repository beside the code it describes: the material
 * facts of the last published register (the baseline), every notice, and the warnings sent.
 */
export interface ChangeLedger {
  readonly baseline: {
    readonly recordedAt: string;
    readonly sourceCommit: string;
    readonly facts: MaterialFacts;
    /** SHA-256 of each register section, to record non-material changes too. */
    readonly sectionHashes: Readonly<Record<string, string>>;
  } | null;
  readonly notices: readonly ChangeNotice[];
  readonly sentWarnings: readonly SentWarning[];
}

export const EMPTY_LEDGER: ChangeLedger = { baseline: null, notices: [], sentWarnings: [] };

export function readLedger(file: string): ChangeLedger {
  if (!existsSync(file)) return EMPTY_LEDGER;
  const ledger = JSON.parse(readFileSync(file, 'utf8')) as Partial<ChangeLedger>;
  return { baseline: ledger.baseline ?? null, notices: ledger.notices ?? [], sentWarnings: ledger.sentWarnings ?? [] };
}

export function writeLedger(file: string, ledger: ChangeLedger): void {
  writeFileSync(file, `${JSON.stringify(ledger, null, 2)}\n`);
}

/** Sections whose content is compared for the record: all but the stamps. */
export function sectionHashes(register: Register): Record<string, string> {
  const { generatedAt: _at, generatedFrom: _from, ...sections } = register;
  return Object.fromEntries(Object.entries(sections).map(([name, value]) => [name, createHash('sha256').update(JSON.stringify(value)).digest('hex')]));
}

/** The ledger's default place, relative to the repository root. */
export const DEFAULT_LEDGER_FILE = 'compliance/change-notices.json';
