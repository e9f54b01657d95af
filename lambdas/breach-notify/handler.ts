import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { readBreachEnvironment } from '../breach-shared/breach-environment.js';
import { RegisterStore } from '../breach-shared/register-store.js';
import { startupStep } from '../shared/config/startup.js';
import { createLogger } from '../shared/logging/logger.js';
import { notifyPendingConsumer } from './notify-pending.js';

const logger = createLogger('breach-notify');
// Module scope runs once per container: a deployment mistake fails the init with one clear log line.
const environment = startupStep(logger, 'read the breach configuration', () => readBreachEnvironment(process.env));

/** Consumes the notification retry queue (partial batch failures reported per message). */
export const handler = notifyPendingConsumer({
  register: new RegisterStore(new S3Client({}), environment.bucket),
  sns: new SNSClient({}),
  topicArnOf: environment.topicArnOf,
  now: () => new Date(),
  logger,
});
