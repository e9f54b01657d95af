import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv, startupStep } from '../shared/config/startup.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { VisitsRepository } from '../shared/visits/visits-repository.js';
import { tenantTopicsFromJson } from '../data-subject-requests/tenant-topics.js';
import { pseudonymSecretArnsFromJson, visitKeysFromSecretsManager } from '../visits/pseudonym-secret.js';
import { createVisitorDataApi, MAX_ERASED_PER_REQUEST, RIGHTS_KEY_REQUIRED } from './visitor-data-api.js';

// Module scope runs once per container (Lambda init): a configuration error fails the init with one
// clear log line; the AWS clients are reused by every request.
const logger = createLogger('visitor-data');
const config = startupStep(logger, 'read the configuration', () => ({
  tableName: requiredEnv('VISITS_TABLE_NAME'),
}));
const tenants = startupStep(logger, 'read VISITOR_DATA_API_KEYS', () =>
  TenantDirectory.fromJson(process.env.VISITOR_DATA_API_KEYS, 'VISITOR_DATA_API_KEYS', RIGHTS_KEY_REQUIRED),
);
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secretArns = startupStep(logger, 'read PSEUDONYM_SECRET_ARNS', () => pseudonymSecretArnsFromJson(process.env.PSEUDONYM_SECRET_ARNS));
const topics = startupStep(logger, 'read TENANT_TOPIC_ARNS', () => tenantTopicsFromJson(process.env.TENANT_TOPIC_ARNS));

export const handler = httpApi(
  createVisitorDataApi({
    tenants,
    visitsOf: (tenantId) => new VisitsRepository({ client: dynamo, tableName: config.tableName, tenantId }),
    keysOf: visitKeysFromSecretsManager(new SecretsManagerClient({}), secretArns),
    maxErasedPerRequest: MAX_ERASED_PER_REQUEST,
    topics,
    sns: new SNSClient({}),
    clock: () => new Date(),
    logger,
  }),
  logger,
);
