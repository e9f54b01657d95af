import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeControlError, checkChangeControl, earliestEffectiveDate, unannouncedChanges } from '../../lib/compliance/change-control.js';
import { EMPTY_LEDGER, sectionHashes, type ChangeLedger, type ChangeNotice } from '../../lib/compliance/change-ledger.js';
import { materialFacts } from '../../lib/compliance/material-facts.js';
import type { Register } from '../../tools/register/register-model.js';
import { sendPending } from '../../tools/change-notice/send-notices.js';
import { BreachEmulator, TOPIC_ARN_PREFIX } from '../breach/support/emulator.js';
import { buildTestApp } from '../infra/test-app.js';

const NOW = new Date('2026-12-01T12:00:00Z');
let published: Register;
let built: ReturnType<typeof buildTestApp>;

/** The ledger as it stands after `published` was deployed and baselined. */
const baselined = (notices: ChangeNotice[] = []): ChangeLedger => ({
  baseline: { recordedAt: '2026-09-01T00:00:00Z', sourceCommit: 'c0ffee', facts: materialFacts(published), sectionHashes: sectionHashes(published) },
  notices,
  sentWarnings: [],
});

/** The published register with one more service, a longer retention and a new data category: three material changes. */
function changedRegister(): Register {
  const sub = published.subProcessors[0]!;
  return {
    ...published,
    generatedFrom: { ...published.generatedFrom, configuration: { ...published.generatedFrom.configuration, retentionDays: 60 } },
    subProcessors: [{ ...sub, services: [...sub.services, { service: 'Amazon Kinesis Data Streams', regions: ['eu-central-1'], resourceTypes: ['AWS::Kinesis::Stream'] }] }],
    processing: { ...published.processing, personalData: [...published.processing.personalData, { category: 'Browser fingerprint', description: 'x', storedAs: [] }] },
  };
}

beforeAll(() => {
  built = buildTestApp({}, { publishRegister: true, publishing: { clock: () => NOW, sourceCommit: 'c0ffee', ledger: EMPTY_LEDGER } });
  published = built.register!;
}, 180_000);

describe('change control at synth (DPA 12.4)', () => {
  it('lets an unchanged register through and records non-material changes only', () => {
    expect(checkChangeControl(published, baselined(), NOW)).toMatchObject({ material: [], nonMaterial: [] });
    const reworded: Register = { ...published, organisationalMeasures: [...published.organisationalMeasures, { area: 'Training', measure: 'Yearly', implementedBy: 'HR' }] };
    expect(checkChangeControl(reworded, baselined(), NOW)).toMatchObject({ material: [], nonMaterial: ['organisationalMeasures changed'] });
  });

  it('finds the material changes: service, retention, data category', () => {
    expect(unannouncedChanges(changedRegister(), baselined()).map((c) => c.key).sort()).toEqual([
      'data-category added: Browser fingerprint',
      'retention retentionDays: 45 -> 60',
      'service added: Amazon Kinesis Data Streams',
    ]);
  });

  it('refuses a material change that was not announced, not sent, or not yet in effect', () => {
    const changes = unannouncedChanges(changedRegister(), baselined());
    const notice: ChangeNotice = { id: 'CN-1', recordedAt: '2026-12-01T00:00:00Z', effectiveFrom: '2027-03-01', changes };
    const refusal = (ledger: ChangeLedger) => {
      try {
        checkChangeControl(changedRegister(), ledger, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(ChangeControlError);
        return (error as ChangeControlError).problems.join('\n');
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(baselined())).toMatch(/New service: Amazon Kinesis Data Streams: not announced/);
    expect(refusal(baselined([notice]))).toMatch(/notice CN-1 is recorded but not sent/);
    const sent = { ...notice, sent: { at: '2026-12-01T01:00:00Z', messageIds: {} } };
    expect(refusal(baselined([sent]))).toMatch(/takes effect on 2027-03-01 \(notice CN-1\); deploying earlier needs a recorded override/);
    const overridden = { ...sent, override: { by: 'Jane Ops', reason: 'security fix', recordedAt: '2026-12-01T02:00:00Z' } };
    expect(checkChangeControl(changedRegister(), baselined([overridden]), NOW).material.every((c) => c.deployedBy === 'override')).toBe(true);
    expect(checkChangeControl(changedRegister(), baselined([sent]), new Date('2027-03-01T00:00:00Z')).material.map((c) => c.notice)).toEqual(['CN-1', 'CN-1', 'CN-1']);
  });

  it('makes the synth itself refuse an unannounced material change', () => {
    const ledger = baselined();
    const withoutLambda: ChangeLedger = { ...ledger, baseline: { ...ledger.baseline!, facts: { ...ledger.baseline!.facts, services: ledger.baseline!.facts.services.filter((s) => s !== 'AWS Lambda') } } };
    expect(() => buildTestApp({}, { publishRegister: true, publishing: { clock: () => NOW, sourceCommit: 'c0ffee', ledger: withoutLambda } })).toThrow(/New service: AWS Lambda: not announced/);
  }, 120_000);

  it('asks for an effective date at least three months ahead', () => {
    expect(earliestEffectiveDate(NOW)).toBe('2027-03-01');
  });
});

describe('sending notices and warnings (fauxqs SNS, one inbox queue per controller topic)', () => {
  let emulator: BreachEmulator;
  beforeAll(async () => {
    emulator = await BreachEmulator.start(['acme', 'globex']);
  });
  afterAll(() => emulator.stop());

  it('sends each unsent notice to every controller with the difference and the effective date, once; warnings to their controller only', async () => {
    const changes = unannouncedChanges(changedRegister(), baselined());
    const ledger = baselined([{ id: 'CN-2026-12-01-1', recordedAt: NOW.toISOString(), effectiveFrom: '2027-03-01', changes }]);
    const warning = { tenantId: 'globex', instruction: 'retentionDays 200', reason: 'longer than the 90 days the purpose usually needs' };
    const context = { sns: emulator.sns(), config: built.config, topicArnOf: (id: string) => `${TOPIC_ARN_PREFIX}${id}`, now: NOW };
    const sent = await sendPending(ledger, [warning], context);
    expect(Object.keys(sent.notices[0]!.sent!.messageIds).sort()).toEqual(['acme', 'globex']);
    for (const tenant of ['acme', 'globex']) {
      const notices = emulator.received(tenant).filter((m) => m.Subject?.startsWith('Notice of change'));
      expect(notices).toHaveLength(1);
      expect(notices[0]!.Subject).toBe('Notice of change to the processing, effective 2027-03-01 (CN-2026-12-01-1)');
      expect(notices[0]!.Message).toContain('- New service: Amazon Kinesis Data Streams');
      expect(notices[0]!.Message).toContain('- Retention retentionDays changes from 45 to 60');
      expect(notices[0]!.Message).toContain(built.config.processor.dpo.email);
    }
    expect(emulator.received('globex').filter((m) => m.Subject?.includes('accepted with a warning'))).toHaveLength(1);
    expect(emulator.received('acme').filter((m) => m.Subject?.includes('accepted with a warning'))).toHaveLength(0);

    const again = await sendPending(sent, [warning], context);
    expect(again).toEqual(sent);
    expect(emulator.received('acme')).toHaveLength(1);
  });
});
