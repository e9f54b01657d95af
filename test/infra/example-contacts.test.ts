import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../lib/config/app-config.js';
import { exampleContacts } from '../../lib/config/example-contacts.js';
import { TEST_CONTEXT, buildTestApp } from './test-app.js';

const REAL = {
  processor: { name: 'Visitor Insights B.V.', address: 'Herengracht 1, Amsterdam', registrationNumber: 'KvK 87654321', dpo: { name: 'P. Rivacy', email: 'dpo@visitor-insights.eu' } },
  operationsEmails: ['security@visitor-insights.eu'],
  tenants: TEST_CONTEXT.tenants.map((tenant) => ({ ...tenant, contactEmails: [`privacy@${tenant.id}.de`] })),
};
const warningsOf = (built: ReturnType<typeof buildTestApp>) =>
  Annotations.fromStack(built.enrichment).findWarning('*', Match.stringLikeRegexp('Demo values'));

describe('demo contact addresses (cdk.json ships them so that synth works out of the box)', () => {
  it('makes the synth warn, naming each setting whose address reaches nobody', () => {
    const [warning] = warningsOf(buildTestApp({ 'aws:cdk:bundling-stacks': [] }));
    const text = String(warning?.entry.data);
    for (const setting of ['processor.dpo.email: dpo@processor.example', 'operationsEmails: security@processor.example', 'tenants.acme.contactEmails: dpo@acme.example', 'tenants.globex.contactEmails: privacy@globex.example']) {
      expect(text).toContain(setting);
    }
  });

  let real: ReturnType<typeof buildTestApp>;
  let realConfig: AppConfig;
  beforeAll(() => {
    real = buildTestApp({ 'aws:cdk:bundling-stacks': [], ...REAL });
    realConfig = real.config;
  });

  it('is silent once every address is real', () => {
    expect(warningsOf(real)).toEqual([]);
  });

  it.each([
    ['dpo@example.com', true], ['a@mail.example', true], ['a@EXAMPLE.ORG', true], ['a@shop.test', true], ['a@x.invalid', true],
    ['a@example.de', false], ['a@counterexample.com', false], ['a@visitor-insights.eu', false],
  ])('%s is a reserved example address: %s', (email, reserved) => {
    expect(exampleContacts({ ...realConfig, operationsEmails: [email] }).length > 0).toBe(reserved);
  });
});
