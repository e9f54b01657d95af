import { describe, expect, it } from 'vitest';
import { exitCodeOf, parseOffboardArgs, UsageError } from '../../tools/offboarding/cli.js';
import type { OffboardReport } from '../../tools/offboarding/offboard.js';

describe('parseOffboardArgs', () => {
  it('reads an export-then-delete run against DynamoDB Local', () => {
    expect(
      parseOffboardArgs(['--tenant', 'acme', '--export', 'out/acme', '--delete', '--table', 'visits', '--endpoint', 'http://localhost:8000', '--page-size', '100']),
    ).toEqual({
      request: { tenantId: 'acme', table: 'visits', exportDir: 'out/acme', delete: true, dryRun: false, pageSize: 100 },
      region: 'eu-central-1',
      endpoint: 'http://localhost:8000',
    });
  });

  it('reads an end-of-contract run: deletion implied, stack, audit bucket and state directory required', () => {
    const args = ['--tenant', 'acme', '--table', 'visits', '--end-of-contract', '--stack', 'EuIpEnrichment', '--audit-bucket', 'audit', '--state', 'out/state'];
    expect(parseOffboardArgs(args)).toMatchObject({
      request: { tenantId: 'acme', delete: true },
      endOfContract: { stackName: 'EuIpEnrichment', auditBucket: 'audit', stateDir: 'out/state' },
    });
    expect(() => parseOffboardArgs(args.slice(0, -2))).toThrow(/--end-of-contract needs --stack/);
  });

  it.each([
    [['--delete', '--table', 't'], /--tenant is required/],
    [['--tenant', 'acme', '--delete'], /--table is required/],
    [['--tenant', 'acme', '--table', 't'], /--export <dir>, --delete, or both/],
    [['--tenant', 'acme', '--table', 't', '--delete', '--page-size', '0'], /--page-size/],
    [['--tenant', 'acme', '--table', 't', '--delete', '--force'], /Unknown option '--force'/],
    [['--tenant', 'acme', '--table', 't', '--delete', 'extra'], /positional/],
  ])('rejects %j', (args, message) => {
    expect(() => parseOffboardArgs(args)).toThrow(UsageError);
    expect(() => parseOffboardArgs(args)).toThrow(message);
  });
});

describe('exitCodeOf', () => {
  const report = (parts: Partial<OffboardReport>) =>
    ({ tenant: 'acme', table: 't', dryRun: false, startedAt: '', finishedAt: '', ...parts }) as OffboardReport;

  it('is 0 when done, 3 when items remain, 130 when interrupted', () => {
    expect(exitCodeOf(report({ delete: { status: 'complete', deleteRequests: 3, remaining: 0 } }))).toBe(0);
    expect(exitCodeOf(report({ delete: { status: 'items-remain', deleteRequests: 3, remaining: 1 } }))).toBe(3);
    expect(exitCodeOf(report({ export: { status: 'interrupted', count: 5, directory: 'x' } }))).toBe(130);
    expect(exitCodeOf(report({ dryRun: true, delete: { dryRun: true, wouldDelete: 4 } }))).toBe(0);
  });
});
