import type { Register } from '../../tools/register/register-model.js';
import { sectionHashes, type ChangeLedger, type ChangeNotice } from './change-ledger.js';
import { materialChanges, materialFacts, type MaterialChange } from './material-facts.js';

/** Agreement 12.4: controllers hear of a material change at least this many months before it applies. */
export const NOTICE_MONTHS = 3;

export class ChangeControlError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Material changes to the processing cannot be deployed yet (processor agreement 12.4):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ChangeControlError';
  }
}

export interface ChangeControlResult {
  readonly baseline: string;
  /** Material changes since the baseline, each with the notice that announced it. */
  readonly material: ReadonlyArray<MaterialChange & { readonly notice: string; readonly deployedBy: 'effective' | 'override' }>;
  /** Register sections that changed otherwise: recorded only (no notice needed). */
  readonly nonMaterial: readonly string[];
}

/**
 * Compares the register about to be published with the last published one (the ledger's baseline).
 * Every material change must have been announced by a notice that was sent and is in effect, or that
 * carries a recorded override; anything else refuses the synth with what to do.
 */
export function checkChangeControl(register: Register, ledger: ChangeLedger, now: Date): ChangeControlResult {
  if (ledger.baseline === null) return { material: [], nonMaterial: [], baseline: 'none: no register published yet (first deployment)' };
  const problems: string[] = [];
  const material: Array<ChangeControlResult['material'][number]> = [];
  const today = now.toISOString().slice(0, 10);
  for (const change of materialChanges(ledger.baseline.facts, materialFacts(register))) {
    const notice = ledger.notices.find((n) => n.changes.some((c) => c.key === change.key));
    if (!notice) {
      problems.push(`${change.description}: not announced. Record a notice: npm run change-notice -- record --effective-from <date at least ${NOTICE_MONTHS} months ahead>, then send it`);
    } else if (!notice.sent) {
      problems.push(`${change.description}: notice ${notice.id} is recorded but not sent: npm run change-notice -- send`);
    } else if (notice.effectiveFrom > today && !notice.override) {
      problems.push(`${change.description}: takes effect on ${notice.effectiveFrom} (notice ${notice.id}); deploying earlier needs a recorded override: npm run change-notice -- override --notice ${notice.id} --by <name> --reason <why>`);
    } else {
      material.push({ ...change, notice: notice.id, deployedBy: notice.effectiveFrom > today ? 'override' : 'effective' });
    }
  }
  if (problems.length > 0) throw new ChangeControlError(problems);
  const hashes = sectionHashes(register);
  const nonMaterial = Object.keys(hashes).filter((section) => ledger.baseline!.sectionHashes[section] !== hashes[section]).map((section) => `${section} changed`);
  return { material, nonMaterial, baseline: `${ledger.baseline.recordedAt} (source commit ${ledger.baseline.sourceCommit})` };
}

/** The first day a change recorded `on` may take effect. */
export function earliestEffectiveDate(on: Date): string {
  const date = new Date(Date.UTC(on.getUTCFullYear(), on.getUTCMonth() + NOTICE_MONTHS, on.getUTCDate()));
  return date.toISOString().slice(0, 10);
}

/** The changes the ledger's notices do not cover yet. */
export function unannouncedChanges(register: Register, ledger: ChangeLedger): MaterialChange[] {
  if (ledger.baseline === null) return [];
  return materialChanges(ledger.baseline.facts, materialFacts(register)).filter((c) => !ledger.notices.some((n: ChangeNotice) => n.changes.some((x) => x.key === c.key)));
}
