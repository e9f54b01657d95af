import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { ApiFunction } from '../../../lib/enrichment/api-function.js';
import { AuditorAccess, BreachAlertTopics, BreachRegister, BreachReporting, OperationalAlarms } from '../../../lib/breach/index.js';
import { LogEncryptionKey } from '../../../lib/security/log-encryption-key.js';

export const ACCOUNT = '123456789012';
export const TEST_TENANTS = [
  { id: 'acme', contactEmails: ['dpo@acme.example', 'privacy@acme.example'] },
  { id: 'globex', contactEmails: ['privacy@globex.example'] },
];
export const OPERATIONS_EMAILS = ['security@processor.example'];
export const AUDITOR_PRINCIPALS = ['arn:aws:iam::210987654321:role/Auditor', 'arn:aws:iam::210987654321:user/reviewer-*'];
export const RETENTION_YEARS = 7;
export const RETENTION_DAYS = 45;
export const AUDIT_LOG_RETENTION_DAYS = 120;

import { REPO_ROOT } from '../../support/repo-paths.js';

/** The feature flags `cdk synth` applies (from cdk.json), so the test synthesizes what a deployment would. */
function featureFlags(): Record<string, unknown> {
  const { context } = JSON.parse(readFileSync(`${REPO_ROOT}/cdk.json`, 'utf8')) as { context: Record<string, unknown> };
  return Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith('@aws-cdk/')));
}

/**
 * The breach constructs composed the way the main stack composes them, around a stand-in API and a
 * stand-in "other" function with no breach grants (the enrichment function's position). Bundling is
 * skipped: these tests look at infrastructure, not code.
 */
export function buildBreachTestStack(outdir?: string) {
  const app = new App({ outdir, context: { ...featureFlags(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'BreachTest', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  const logEncryptionKey = new LogEncryptionKey(stack, 'LogKey').key;
  const api = new apigw.RestApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.REGIONAL], deployOptions: { stageName: 'live' } });

  const register = new BreachRegister(stack, 'Register', { retentionYears: RETENTION_YEARS, accessLogRetentionDays: AUDIT_LOG_RETENTION_DAYS });
  const alertTopics = new BreachAlertTopics(stack, 'AlertTopics', { tenants: TEST_TENANTS, operationsEmails: OPERATIONS_EMAILS });
  const reporting = new BreachReporting(stack, 'Reporting', {
    register,
    alertTopics,
    retentionDays: RETENTION_DAYS,
    logEncryptionKey,
  });
  const auditors = new AuditorAccess(stack, 'Auditors', { principals: AUDITOR_PRINCIPALS, register });
  const otherFunction = new ApiFunction(stack, 'Other', {
    entry: `${REPO_ROOT}/lambdas/breach-report/handler.ts`,
    description: 'Stand-in for a function without breach grants',
    retentionDays: RETENTION_DAYS,
    logEncryptionKey,
  });
  api.root.addResource('other').addMethod('GET', new apigw.LambdaIntegration(otherFunction.function));
  const alarms = new OperationalAlarms(stack, 'Alarms', {
    alertTopics,
    api,
    functions: [reporting.reportFunction.function, reporting.notifyFunction.function, otherFunction.function],
    register,
  });
  return { app, stack, api, register, alertTopics, reporting, auditors, otherFunction, alarms };
}
