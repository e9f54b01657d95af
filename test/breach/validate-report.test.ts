import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BREACH_REPORT_SCHEMA } from '../../lambdas/breach-shared/report-schema.js';
import { validateBreachReport } from '../../lambdas/breach-shared/validate-report.js';
import { NOW, sampleReport } from './support/sample-report.js';

const context = { tenantIds: ['acme', 'globex', 'initech'], now: NOW };
const fieldsOf = (input: unknown) => {
  const result = validateBreachReport(input, context);
  return result.ok ? {} : result.fields;
};

describe('validateBreachReport', () => {
  it('accepts a complete report (and the optional phone, reportedAt and updateOf)', () => {
    expect(validateBreachReport(sampleReport(), context)).toEqual({ ok: true, report: sampleReport() });
    const { phone: _phone, ...contact } = sampleReport().contact;
    expect(validateBreachReport(sampleReport({ contact, reportedAt: '2026-11-25T11:00:00Z', updateOf: 'BR-20261124-first-report-1' }), context).ok).toBe(true);
  });

  it('names every missing required field, and only those', () => {
    const required = [...BREACH_REPORT_SCHEMA.required];
    fc.assert(
      fc.property(fc.subarray(required, { minLength: 1 }), (missing) => {
        const report: Record<string, unknown> = { ...sampleReport() };
        for (const field of missing) delete report[field];
        expect(fieldsOf(report)).toEqual(Object.fromEntries(missing.map((field) => [field, 'is required'])));
      }),
    );
  });

  it('names missing nested fields by their path', () => {
    const report = sampleReport();
    expect(fieldsOf({ ...report, contact: { phone: '+31 20 555 0100' }, measures: { taken: [] }, records: {} })).toEqual({
      'contact.name': 'is required',
      'contact.email': 'is required',
      'measures.proposed': 'is required',
      'measures.mitigation': 'is required',
      'records.categories': 'is required',
    });
  });

  it('takes an approximate number or the reason it is not known yet (Art. 33(4)), never both or neither', () => {
    const report = sampleReport();
    const unknown = { categories: ['website visitors'], notYetKnownBecause: 'the logs are still being analysed' };
    expect(fieldsOf({ ...report, dataSubjects: unknown })).toEqual({});
    expect(fieldsOf({ ...report, dataSubjects: { ...unknown, approximateNumber: 10 } })).toEqual({
      'dataSubjects.approximateNumber': expect.stringMatching(/^give either an approximate number or notYetKnownBecause/),
    });
    expect(fieldsOf({ ...report, records: { categories: ['visit timestamps'] } })).toEqual({
      'records.approximateNumber': expect.stringMatching(/^give either an approximate number or notYetKnownBecause/),
    });
    expect(fieldsOf({ ...report, records: { ...unknown, notYetKnownBecause: ' ' } })).toEqual({ 'records.notYetKnownBecause': 'must not be blank' });
  });

  it('takes a withdrawal only as an update, with the reason the incident was not a breach', () => {
    const first = 'BR-20261120-aaaaaaaa-0000-4000-8000-000000000001';
    expect(fieldsOf({ ...sampleReport(), status: 'withdrawn', updateOf: first, withdrawnBecause: 'No data left the bucket.' })).toEqual({});
    expect(fieldsOf({ ...sampleReport(), status: 'withdrawn', withdrawnBecause: 'No data left the bucket.' })).toEqual({ status: expect.stringMatching(/name the record it withdraws in updateOf/) });
    expect(fieldsOf({ ...sampleReport(), status: 'withdrawn', updateOf: first })).toEqual({ withdrawnBecause: expect.stringMatching(/why the incident turned out not to be/) });
    expect(fieldsOf({ ...sampleReport(), withdrawnBecause: 'x' })).toEqual({ withdrawnBecause: expect.stringMatching(/only a withdrawal/) });
    expect(fieldsOf({ ...sampleReport(), status: 'retracted' })).toEqual({ status: expect.stringMatching(/confirmed or withdrawn/) });
  });

  it('names each malformed field with what it must be', () => {
    const report = sampleReport();
    expect(fieldsOf({
      ...report,
      reportId: 'short',
      nature: '   ',
      dataSubjects: { categories: 'visitors', approximateNumber: -3 },
      records: { categories: [''], approximateNumber: 1.5 },
      contact: { name: 'Ada', email: 'ada-at-example', phone: 'call me' },
      measures: { ...report.measures, taken: [42] },
      occurredAt: '24/11/2026',
      detectedAt: '2026-11-25',
      affectedTenants: [],
      updateOf: 'the first one',
      severity: 'high',
    })).toEqual({
      reportId: "must be 8–40 letters, digits, '-' or '_' (a UUID fits)",
      nature: 'must not be blank',
      'dataSubjects.categories': 'must be a list',
      'dataSubjects.approximateNumber': 'must be at least 0',
      'records.categories[0]': 'must not be blank',
      'records.approximateNumber': 'must be a whole number',
      'contact.email': 'must be an e-mail address',
      'contact.phone': 'must be a phone number such as +31 20 123 4567',
      'measures.taken[0]': 'must be a string',
      occurredAt: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-25T08:30:00Z',
      detectedAt: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-25T08:30:00Z',
      affectedTenants: 'must list at least 1 item(s)',
      updateOf: 'must be a breach record id such as BR-20261125-<reportId>',
      severity: 'is not a field of a breach report',
    });
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'report', 42]) expect(fieldsOf(body)).toEqual({ '(body)': 'must be an object' });
  });

  it('checks what a schema cannot: time order, the future, at least one measure, configured tenants, no self-update', () => {
    const report = sampleReport();
    expect(fieldsOf({ ...report, occurredAt: '2026-11-25T09:00:00Z' })).toEqual({ occurredAt: 'must not be after detectedAt' });
    expect(fieldsOf({ ...report, reportedAt: '2026-11-25T07:00:00Z' })).toEqual({ reportedAt: 'must not be before detectedAt' });
    expect(fieldsOf({ ...report, detectedAt: '2026-11-25T12:30:00Z', occurredAt: '2026-11-25T12:20:00Z' })).toEqual({
      occurredAt: 'must not be in the future',
      detectedAt: 'must not be in the future',
    });
    expect(fieldsOf({ ...report, detectedAt: '2026-11-25T12:04:00Z' })).toEqual({}); // within the clock-skew allowance
    expect(fieldsOf({ ...report, measures: { taken: [], proposed: [], mitigation: 'none yet' } })).toEqual({ measures: 'name at least one measure taken or proposed' });
    expect(fieldsOf({ ...report, affectedTenants: ['acme', 'umbrella'] })).toEqual({ 'affectedTenants[1]': '"umbrella" is not a configured tenant' });
    expect(fieldsOf({ ...report, updateOf: 'BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c' })).toEqual({
      updateOf: 'must name the first record of this breach, not this report itself',
    });
  });

  it('skips the tenant check when the tenants are unknown (a dry run without the deployment configuration)', () => {
    expect(validateBreachReport(sampleReport({ affectedTenants: ['umbrella'] }), { tenantIds: undefined, now: NOW }).ok).toBe(true);
  });
});
