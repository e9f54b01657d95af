import { SNSClient } from '@aws-sdk/client-sns';
import { startupStep } from '../shared/config/startup.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { withCors } from './cors.js';
import { createDataSubjectRequestsApi, newRequestReference } from './data-subject-requests-api.js';
import { tenantTopicsFromJson } from './tenant-topics.js';

// Module scope runs once per container (Lambda init): a configuration error fails the init with one
// clear log line. This function can publish to the controllers' topics and nothing else: it has no
// access to the visits table or the pseudonym secret.
const logger = createLogger('data-subject-requests');
const topics = startupStep(logger, 'read TENANT_TOPIC_ARNS', () => tenantTopicsFromJson(process.env.TENANT_TOPIC_ARNS));

export const handler = withCors(
  httpApi(
    createDataSubjectRequestsApi({
      topics,
      sns: new SNSClient({}),
      clock: () => new Date(),
      newReference: newRequestReference,
      logger,
    }),
    logger,
  ),
);
