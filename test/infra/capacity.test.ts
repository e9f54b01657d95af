import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './test-app.js';

/** Capacity settings and the operator's dashboard and alarms, as the real app synthesizes them. */
let template: Template;

beforeAll(() => {
  const built = buildTestApp({ visitShards: 12, reservedConcurrency: { enrich: 200, visits: 120, visitorData: 7 } });
  template = Template.fromStack(built.enrichment);
}, 180_000);

const functionWithDescription = (start: string) => {
  const [found] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(`^${start}`) } }));
  if (!found) throw new Error(`no function described as ${start}…`);
  return found.Properties as { ReservedConcurrentExecutions: number; Environment: { Variables: Record<string, unknown> } };
};

describe('capacity settings', () => {
  it('reserves the configured concurrency per API function, so a busy route cannot starve the others', () => {
    expect(functionWithDescription('Enriches IP addresses').ReservedConcurrentExecutions).toBe(200);
    expect(functionWithDescription('Records and lists business visits').ReservedConcurrentExecutions).toBe(120);
    expect(functionWithDescription("Finds and erases a data subject's visits").ReservedConcurrentExecutions).toBe(7);
    expect(functionWithDescription("Forwards data subjects' requests").ReservedConcurrentExecutions).toBe(5);
  });

  it('gives the visits function the configured shard count', () => {
    expect(functionWithDescription('Records and lists business visits').Environment.Variables.VISIT_SHARDS).toBe('12');
  });
});

describe('dashboard and alarms', () => {
  const operationsTopic = () => {
    const [id] = Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: Match.stringLikeRegexp('^Processor operations') } }));
    return id!;
  };

  it('has one dashboard showing the functions’ own metrics', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const metric of ['Requests', 'VisitsStored', 'VisitsNotStored', 'LookupsWithoutRecord', 'ColdStart', 'ConcurrentExecutions', 'WriteThrottleEvents']) {
      expect(body).toContain(metric);
    }
  });

  it('alarms the operations topic when a function nears its reserved concurrency', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ConcurrentExecutions',
      Threshold: 160, // 80% of 200
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: operationsTopic() }],
    });
  });

  it('alarms the operations topic when the visits table is throttled and when most lookups find no record', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmActions: [{ Ref: operationsTopic() }] } }));
    const metricNames = (alarm: (typeof alarms)[number]) => JSON.stringify(alarm.Properties.Metrics ?? []);
    const throttled = alarms.find((alarm) => metricNames(alarm).includes('WriteThrottleEvents'));
    expect(throttled?.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const missing = alarms.find((alarm) => metricNames(alarm).includes('LookupsWithoutRecord'));
    expect(missing?.Properties).toMatchObject({ Threshold: 0.5, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metricNames(missing!)).toContain('EuIpEnrichment');
  });
});
