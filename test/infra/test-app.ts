import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { composeApp, composeAppPublishingRegister, type PublishingOptions } from '../../lib/app.js';
import { loadConfig } from '../../lib/config/load-config.js';

import { REPO_ROOT, testDatabase } from '../support/repo-paths.js';

export { REPO_ROOT };
export const TEST_DATABASE = testDatabase('GeoLite2-ASN-Test');

export const TEST_CONTEXT = {
  account: '123456789012',
  retentionDays: 45,
  tenants: [
    {
      id: 'acme',
      name: 'Acme B.V.',
      contactEmails: ['dpo@acme.example'],
      rateLimit: 20,
      burstLimit: 40,
      monthlyQuota: 500000,
      sites: [{ siteId: 'www.acme.example', publishableKey: 'pk_acme_www_0123456789abcdef', allowedOrigins: ['https://www.acme.example'], pageViewsPerMinute: 300 }],
    },
    { id: 'globex', name: 'Globex GmbH', contactEmails: ['privacy@globex.example'] },
  ],
  operationsEmails: ['security@processor.example'],
  auditorPrincipals: ['arn:aws:iam::210987654321:role/Auditor'],
  allowedRegions: ['eu-central-1', 'eu-west-1'],
  guardrailTargets: ['ou-ab12-cdef3456'],
};

/** cdk.json's context: feature flags and defaults, as `cdk synth` applies them. */
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

/**
 * The real app on a small MaxMind test database (fast to bundle). Without `publishRegister` the Art. 30
 * register upload is left out (it takes a second synthesis); with it, the app is composed exactly as bin/app.ts does.
 */
export function buildTestApp(overrides: Record<string, unknown> = {}, { publishRegister = false, publishing = {} as PublishingOptions } = {}) {
  const context = { ...CDK_JSON_CONTEXT, ...TEST_CONTEXT, ...overrides };
  const app = new App({ context });
  const config = loadConfig(app.node, {});
  return { config, ...(publishRegister ? composeAppPublishingRegister(app, config, TEST_DATABASE, publishing) : { ...composeApp(app, config, TEST_DATABASE), register: undefined }) };
}
