import { SNSClient } from '@aws-sdk/client-sns';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { BREACH_ENV } from '../breach-shared/breach-environment.js';
import { requiredEnv, startupStep } from '../shared/config/startup.js';
import { createLogger } from '../shared/logging/logger.js';
import { checkBreachDelivery } from './check-delivery.js';
import { OPERATIONS_TOPIC_ENV } from './operations-topic-env.js';


const logger = createLogger('breach-delivery-check');
const sns = new SNSClient({});
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

// Module scope runs once per container: a deployment mistake fails the init with one clear log line.
const configuration = startupStep(logger, 'read the delivery check configuration', () => {
  const prefix = requiredEnv(BREACH_ENV.topicArnPrefix);
  const operationsTopicArn = requiredEnv(OPERATIONS_TOPIC_ENV);
  const topics = new Map(requiredEnv(BREACH_ENV.tenantIds).split(',').map((tenantId) => [`tenant ${tenantId}`, `${prefix}${tenantId}`]));
  topics.set('operations', operationsTopicArn);
  for (const arn of topics.values()) if (!SNS_TOPIC_ARN.test(arn)) throw new Error('a configured breach topic is not an SNS topic ARN');
  return { topics };
});

/** Runs on a schedule (EventBridge): checks that every breach topic would deliver a notice to someone. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const findings = await checkBreachDelivery({ sns, ...configuration, logger });
    return { findings: findings.length };
  });
