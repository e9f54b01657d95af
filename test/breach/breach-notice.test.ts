import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRecord, serializeRecord, sha256Hex, type StoredRecord } from '../../lambdas/breach-shared/breach-record.js';
import { renderBreachNotice } from '../../lambdas/breach-shared/breach-notice.js';
import type { BreachReport } from '../../lambdas/breach-shared/report-schema.js';
import { NOW, sampleReport } from './support/sample-report.js';

const stored = (report: BreachReport): StoredRecord => {
  const record = buildRecord(report, NOW, 5, { userArn: 'arn:aws:sts::123456789012:assumed-role/BreachOperator/ada' });
  return { record, sha256: sha256Hex(serializeRecord(record)), reportDigest: 'irrelevant here' };
};

/** Renders without the intake scrubbing, as for a record stored before it existed: the notice must scrub on its own. */
const storedVerbatim = (report: BreachReport): StoredRecord => {
  const { record, ...rest } = stored(report);
  return { ...rest, record: { ...record, report: { ...report, reportedAt: NOW.toISOString() } } };
};

describe('the breach notice e-mail', () => {
  it('says a number is not known yet, and why, instead of a guess (Art. 33(4))', () => {
    const report = sampleReport({ dataSubjects: { categories: ['website visitors'], notYetKnownBecause: 'the export logs are still being analysed' } });
    const { body } = renderBreachNotice(stored(report), 'acme');
    expect(body).toContain('Approximate number of data subjects: not yet known (the export logs are still being analysed); it will follow in an update');
    expect(body).toContain(`Approximate number of personal data records: ${report.records.approximateNumber}`);
  });

  it('withdraws an earlier notice, naming it and saying why the incident was not a breach', () => {
    const first = 'BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c';
    const report = sampleReport({ reportId: 'withdrawal-0001', updateOf: first, status: 'withdrawn', withdrawnBecause: 'The bucket was never readable by the contractor: its policy denied access.' });
    const { subject, body } = renderBreachNotice(stored(report), 'acme');
    expect(subject).toBe(`Withdrawal of personal data breach notice ${first}`);
    expect(body).toMatch(new RegExp(`^WITHDRAWAL: the incident first notified as ${first} turned out NOT to be a personal data breach\\.`));
    expect(body).toContain('WHY IT IS WITHDRAWN\n  The bucket was never readable by the contractor: its policy denied access.');
  });

  it('carries every Art. 33(3) item, the timeline, the record id and the record digest', () => {
    const report = sampleReport();
    const record = stored(report);
    const { subject, body } = renderBreachNotice(record, 'acme');
    expect(subject).toBe(`Personal data breach notice ${record.record.recordId}`);
    const expected = [
      report.nature,
      ...report.dataSubjects.categories,
      `Approximate number of data subjects: ${report.dataSubjects.approximateNumber}`,
      ...report.records.categories,
      `Approximate number of personal data records: ${report.records.approximateNumber}`,
      report.contact.name,
      report.contact.email,
      report.contact.phone!,
      report.likelyConsequences,
      ...report.measures.taken,
      ...report.measures.proposed,
      report.measures.mitigation,
      `Occurred: ${report.occurredAt}`,
      `Detected: ${report.detectedAt}`,
      `Reported: ${NOW.toISOString()}`,
      `Breach record:       ${record.record.recordId}`,
      `Report id:           ${report.reportId}`,
      record.sha256,
      '(Art. 33(3)(a))', '(Art. 33(3)(b))', '(Art. 33(3)(c))', '(Art. 33(3)(d))',
    ];
    for (const text of expected) expect(body).toContain(text);
  });

  it('names only the controller it is sent to, not the other affected ones', () => {
    const { body } = renderBreachNotice(stored(sampleReport({ affectedTenants: ['acme', 'globex'] })), 'acme');
    expect(body).toContain('Controller (tenant): acme');
    expect(body).not.toContain('globex');
  });

  it('says "none" for an empty list of measures rather than leaving the heading bare', () => {
    const { body } = renderBreachNotice(stored(sampleReport({ measures: { taken: ['Revoked access'], proposed: [], mitigation: 'm' } })), 'acme');
    expect(body).toMatch(/Proposed:\n {4}\(none\)/);
  });

  it('never contains a raw IP address, wherever in the report one was written', () => {
    const ip = fc.oneof(fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(ip, fc.constantFrom('nature', 'likelyConsequences', 'mitigation', 'taken', 'category', 'contactName'), (address, where) => {
        const text = `seen from ${address} twice`;
        const base = sampleReport();
        const report = sampleReport({
          nature: where === 'nature' ? text : base.nature,
          likelyConsequences: where === 'likelyConsequences' ? text : base.likelyConsequences,
          measures: { ...base.measures, mitigation: where === 'mitigation' ? text : base.measures.mitigation, taken: where === 'taken' ? [text] : base.measures.taken },
          dataSubjects: { ...base.dataSubjects, categories: where === 'category' ? [text] : base.dataSubjects.categories },
          contact: { ...base.contact, name: where === 'contactName' ? text : base.contact.name },
        });
        for (const record of [stored(report), storedVerbatim(report)]) {
          const { subject, body } = renderBreachNotice(record, 'acme');
          expect(`${subject}\n${body}`).not.toContain(address);
          expect(body).toContain('seen from [redacted-ip] twice');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('has a subject SNS accepts (ASCII, under 100 characters) for the longest ids, first report or update', () => {
    const longest = 'a'.repeat(40);
    for (const report of [sampleReport({ reportId: longest }), sampleReport({ reportId: longest, updateOf: `BR-20261124-${'b'.repeat(40)}` })]) {
      const { subject } = renderBreachNotice(stored(report), 'acme');
      expect(subject.length).toBeLessThan(100);
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
