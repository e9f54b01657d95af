import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErasureConfirmationAlarm } from '../../lib/enrichment/erasure-confirmation-alarm.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { filterPatternMatches } from '../support/filter-pattern.js';
import { visitsApiHarness } from '../support/visits-api-harness.js';
import { ControllerTopics, unreachableSns } from './support/controller-topics.js';
import { visitorDataHarness } from './support/visitor-data-harness.js';

/*
 * The operations alarm for an erasure whose confirmation did not reach the controller: its metric
 * filter is evaluated (test/support/filter-pattern.ts, CloudWatch Logs cannot run here) against the
 * log lines the visitor-data function really writes, on DynamoDB Local with SNS unreachable.
 */
let table: TestVisitsTable;
let topics: ControllerTopics;
let template: Template;
let operationsTopicId: string;

beforeAll(async () => {
  table = await createTestVisitsTable();
  topics = await ControllerTopics.start(['tenant-a']);
  const stack = new Stack(new App(), 'AlarmTest', { env: { account: '123456789012', region: 'eu-central-1' } });
  const operationsTopic = new sns.Topic(stack, 'Operations');
  new ErasureConfirmationAlarm(stack, 'ErasureConfirmationAlarm', { visitorDataLogs: new logs.LogGroup(stack, 'VisitorDataLogs'), operationsTopic });
  template = Template.fromStack(stack);
  operationsTopicId = stack.getLogicalId(operationsTopic.node.defaultChild as sns.CfnTopic);
});
afterAll(async () => {
  await topics.stop();
  await table.drop();
});

/** The JSON log lines of one erase call (tenant-a, one visit of the address recorded first). */
async function eraseLogLines(sns: SNSClient, ip: string): Promise<unknown[]> {
  expect((await visitsApiHarness(table).record({ siteId: 'a.example', pageUrl: 'https://a.example/', visitorIp: ip })).status).toBe(201);
  const erased = await visitorDataHarness(table, { topicArns: topics.topicArns, sns }).erase({ ip });
  expect(erased.status).toBe(200);
  return erased.logs.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

describe('ErasureConfirmationAlarm', () => {
  it("alarms the operations topic on the first unconfirmed erasure in five minutes", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EuIpEnrichment/DataSubjects',
      MetricName: 'ErasuresNotConfirmed',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: operationsTopicId }],
    });
  });

  it("counts the function's log line of an unconfirmed erasure, and nothing of a confirmed one", async () => {
    const [filter] = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    const pattern = filter!.Properties.FilterPattern as string;

    const unreachable = unreachableSns();
    const failed = await eraseLogLines(unreachable, '81.2.69.170');
    unreachable.destroy();
    expect(failed.filter((line) => filterPatternMatches(pattern, line))).toHaveLength(1);

    const confirmed = await eraseLogLines(topics.sns(), '81.2.69.171');
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.filter((line) => filterPatternMatches(pattern, line))).toEqual([]);
  });
});
