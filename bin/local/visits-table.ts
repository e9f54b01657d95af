import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { REQUEST_COUNTERS_TABLE } from '../../lambdas/data-subject-requests/request-counters.js';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';

/**
 * Creates the visits table in DynamoDB Local exactly as the CDK VisitsTable declares it (keys, the
 * byVisitor index, TTL on expiresAt), from the same VISITS_TABLE description. An existing table
 * (a persisted local database) is kept.
 */
export async function createVisitsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, ttlAttribute, visitorIndex } = VISITS_TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: partitionKey, AttributeType: 'S' },
          { AttributeName: sortKey, AttributeType: 'S' },
          { AttributeName: visitorIndex.partitionKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: visitorIndex.name,
            KeySchema: [
              { AttributeName: visitorIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: visitorIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: visitorIndex.projection },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
  );
}

/** Creates the data-subject-request counters table in DynamoDB Local as RequestCountersTable declares it (key, TTL). */
export async function createRequestCountersTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, ttlAttribute } = REQUEST_COUNTERS_TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
  );
}
