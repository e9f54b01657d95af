import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv, startupStep } from '../shared/config/startup.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { corsFor } from './cors.js';
import { createDataSubjectRequestsApi, newRequestReference } from './data-subject-requests-api.js';
import { RequestCounters } from './request-counters.js';
import { requestFormOriginsFromJson, tenantTopicsFromJson } from './tenant-topics.js';

// Module scope runs once per container (Lambda init): a configuration error fails the init with one
// clear log line. This function can publish to the controllers' topics and count requests, nothing
// else: it has no access to the visits table or the pseudonym secrets.
const logger = createLogger('data-subject-requests');
const topics = startupStep(logger, 'read TENANT_TOPIC_ARNS', () => tenantTopicsFromJson(process.env.TENANT_TOPIC_ARNS));
const config = startupStep(logger, 'read the configuration', () => ({
  countersTable: requiredEnv('REQUEST_COUNTERS_TABLE_NAME'),
  origins: requestFormOriginsFromJson(process.env.REQUEST_FORM_ORIGINS),
}));
const cors = corsFor(config.origins);

export const handler = cors.withCors(
  httpApi(
    createDataSubjectRequestsApi({
      topics,
      sns: new SNSClient({}),
      counters: new RequestCounters(DynamoDBDocumentClient.from(new DynamoDBClient({})), config.countersTable),
      cors,
      clock: () => new Date(),
      newReference: newRequestReference,
      logger,
    }),
    logger,
  ),
);
