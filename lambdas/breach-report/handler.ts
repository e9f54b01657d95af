import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readBreachEnvironment } from '../breach-shared/breach-environment.js';
import { RegisterStore } from '../breach-shared/register-store.js';
import { startupStep } from '../shared/config/startup.js';
import { createLogger } from '../shared/logging/logger.js';
import { reportBreachApi } from './report-breach.js';

const logger = createLogger('breach-report');
// Module scope runs once per container: a deployment mistake fails the init with one clear log line.
const environment = startupStep(logger, 'read the breach configuration', () => readBreachEnvironment(process.env));

/** POST /breaches: stores the report in the locked register, then notifies the affected controllers. */
export const handler = reportBreachApi({
  register: new RegisterStore(new S3Client({}), environment.bucket),
  sns: new SNSClient({}),
  sqs: new SQSClient({}),
  retryQueueUrl: environment.retryQueueUrl,
  topicArnOf: environment.topicArnOf,
  tenantIds: environment.tenantIds,
  retentionYears: environment.retentionYears,
  now: () => new Date(),
  logger,
});
