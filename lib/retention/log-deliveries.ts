import type { RetainedStore } from './retained-stores.js';
import { isObject, renderString, type ResourceRef, type TemplateIndex } from './stack-templates.js';

/** A resource that writes logs somewhere whose retention cannot be checked, or is the wrong one. */
export interface DeliveryProblem {
  readonly resource: ResourceRef;
  readonly problem: string;
}

const API_GATEWAY_EXECUTION_LOG_LEVELS = new Set(['INFO', 'ERROR']);

/**
 * Checks the writers rather than the stores: AWS services that create their own never-expiring log
 * group when none is given (Lambda, API Gateway execution logs), and deliveries to destinations
 * outside the templates, whose retention nobody checks.
 */
export function findDeliveryProblems(index: TemplateIndex, stores: readonly RetainedStore[]): DeliveryProblem[] {
  const basisOf = (group: ResourceRef) =>
    stores.find((s) => s.store === 'CloudWatch Logs log group' && s.resource.stackName === group.stackName && s.resource.logicalId === group.logicalId)?.basis;
  return [
    ...lambdaLogging(index, basisOf),
    ...apiStageLogging(index, basisOf),
    ...firewallLogging(index, basisOf),
    ...bucketAccessLogging(index),
    ...trailDelivery(index),
  ];
}

type BasisOf = (group: ResourceRef) => RetainedStore['basis'] | undefined;

function lambdaLogging(index: TemplateIndex, basisOf: BasisOf): DeliveryProblem[] {
  return [...index.resources('AWS::Lambda::Function')].flatMap((fn): DeliveryProblem[] => {
    const config = fn.properties.LoggingConfig;
    const target = isObject(config) ? config.LogGroup : undefined;
    if (target === undefined) {
      return [{ resource: fn, problem: 'no explicit log group (LoggingConfig.LogGroup): Lambda would create /aws/lambda/<name> with no expiry' }];
    }
    const group = index.logGroup(fn, target);
    if (group === undefined) return [{ resource: fn, problem: 'logs to a log group outside the templates, whose retention cannot be checked' }];
    if (basisOf(group) !== 'personal-data') {
      return [{ resource: fn, problem: `logs to ${group.logicalId}, a log group under the audit retention: function logs must follow the data retention` }];
    }
    return [];
  });
}

function apiStageLogging(index: TemplateIndex, basisOf: BasisOf): DeliveryProblem[] {
  return [...index.resources('AWS::ApiGateway::Stage')].flatMap((stage) => {
    const problems: DeliveryProblem[] = [];
    const settings = Array.isArray(stage.properties.MethodSettings) ? stage.properties.MethodSettings.filter(isObject) : [];
    const executionLogging = settings.some(
      (s) => API_GATEWAY_EXECUTION_LOG_LEVELS.has(String(s.LoggingLevel)) || s.DataTraceEnabled === true,
    );
    if (executionLogging) {
      const expectedName = `API-Gateway-Execution-Logs_${renderString(stage.properties.RestApiId)}/${renderString(stage.properties.StageName)}`;
      const group = index.logGroup(stage, expectedName);
      if (group === undefined) {
        problems.push({
          resource: stage,
          problem: 'execution logging is on, but no log group named API-Gateway-Execution-Logs_<api id>/<stage> is created beforehand: API Gateway would create one with no expiry',
        });
      } else if (basisOf(group) !== 'personal-data') {
        problems.push({ resource: stage, problem: `execution logs go to ${group.logicalId}, a log group under the audit retention` });
      }
    }
    const access = isObject(stage.properties.AccessLogSetting) ? stage.properties.AccessLogSetting.DestinationArn : undefined;
    if (access !== undefined) {
      const group = index.logGroup(stage, access) ?? index.target(stage, access, 'AWS::KinesisFirehose::DeliveryStream');
      if (group === undefined) problems.push({ resource: stage, problem: 'access logs go to a destination outside the templates, whose retention cannot be checked' });
      else if (group.type === 'AWS::Logs::LogGroup' && basisOf(group) !== 'personal-data') {
        problems.push({ resource: stage, problem: `access logs go to ${group.logicalId}, a log group under the audit retention` });
      }
    }
    return problems;
  });
}

/** WAF logs hold the client IP of every logged request: they must land in a store under the data retention. */
function firewallLogging(index: TemplateIndex, basisOf: BasisOf): DeliveryProblem[] {
  return [...index.resources('AWS::WAFv2::LoggingConfiguration')].flatMap((config) => {
    const destinations = Array.isArray(config.properties.LogDestinationConfigs) ? config.properties.LogDestinationConfigs : [];
    return destinations.flatMap((destination): DeliveryProblem[] => {
      const group = index.logGroup(config, destination);
      if (group !== undefined) {
        return basisOf(group) === 'personal-data'
          ? []
          : [{ resource: config, problem: `WAF logs (client IPs) go to ${group.logicalId}, a log group under the audit retention` }];
      }
      const other =
        index.target(config, destination, 'AWS::S3::Bucket') ?? index.target(config, destination, 'AWS::KinesisFirehose::DeliveryStream');
      return other ? [] : [{ resource: config, problem: 'WAF logs go to a destination outside the templates, whose retention cannot be checked' }];
    });
  });
}

function bucketAccessLogging(index: TemplateIndex): DeliveryProblem[] {
  return [...index.resources('AWS::S3::Bucket')].flatMap((bucket): DeliveryProblem[] => {
    const logging = bucket.properties.LoggingConfiguration;
    if (!isObject(logging) || logging.DestinationBucketName === undefined) return [];
    return index.target(bucket, logging.DestinationBucketName, 'AWS::S3::Bucket')
      ? []
      : [{ resource: bucket, problem: 'server access logs go to a bucket outside the templates, whose retention cannot be checked' }];
  });
}

function trailDelivery(index: TemplateIndex): DeliveryProblem[] {
  return [...index.resources('AWS::CloudTrail::Trail')].flatMap((trail): DeliveryProblem[] => {
    const problems: DeliveryProblem[] = [];
    if (!index.target(trail, trail.properties.S3BucketName, 'AWS::S3::Bucket')) {
      problems.push({ resource: trail, problem: 'delivers to a bucket outside the templates, whose retention cannot be checked' });
    }
    const group = trail.properties.CloudWatchLogsLogGroupArn;
    if (group !== undefined && !index.logGroup(trail, group)) {
      problems.push({ resource: trail, problem: 'copies events to a log group outside the templates, whose retention cannot be checked' });
    }
    return problems;
  });
}
