import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { BreachAlertTopics, BreachRegister, BreachReporting } from '../../lib/breach/index.js';
import { describeRetainedStores } from '../../lib/retention/retained-stores.js';
import { findRetentionViolations } from '../../lib/retention/find-retention-violations.js';
import { synthesizeStackTemplates, TemplateIndex } from '../../lib/retention/stack-templates.js';
import { LogEncryptionKey } from '../../lib/security/log-encryption-key.js';
import { AUDIT_LOG_RETENTION_DAYS, buildBreachTestStack, RETENTION_DAYS, RETENTION_YEARS } from './support/breach-test-stack.js';

/** The project's own retention checker (lib/retention) over the breach constructs. */
describe('retention of the breach constructs', () => {
  it('keeps nothing longer than configured: records for the record years, access logs for the audit days, the rest for the data days', () => {
    const { app } = buildBreachTestStack();
    const stacks = synthesizeStackTemplates(app);
    const limits = { retentionDays: RETENTION_DAYS, auditLogRetentionDays: AUDIT_LOG_RETENTION_DAYS, breachRecordRetentionYears: RETENTION_YEARS };
    expect(findRetentionViolations(stacks, limits).map((violation) => violation.message)).toEqual([]);
    const buckets = describeRetainedStores(new TemplateIndex(stacks), limits).filter((store) => store.store === 'S3 bucket');
    expect(buckets.map((store) => store.basis).sort()).toEqual(['audit-trail', 'legal-record']);
  });

  it('shortens the notification queues to a data retention under their usual keep time', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'ShortRetention', { env: { account: '123456789012', region: 'eu-central-1' } });
    const register = new BreachRegister(stack, 'Register');
    const alertTopics = new BreachAlertTopics(stack, 'AlertTopics', { tenants: [{ id: 'acme', contactEmails: ['dpo@acme.example'] }], operationsEmails: [] });
    new BreachReporting(stack, 'Reporting', { register, alertTopics, retentionDays: 2, logEncryptionKey: new LogEncryptionKey(stack, 'LogKey').key });
    const limits = { retentionDays: 2, auditLogRetentionDays: 400, breachRecordRetentionYears: 5 };
    expect(findRetentionViolations(synthesizeStackTemplates(stack.node.root as App), limits).map((violation) => violation.message)).toEqual([]);
  });
});
