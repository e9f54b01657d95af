import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
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
  await createTableWithTtl(client, ttlAttribute, {
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
  });
}

/** Creates the data-subject-request counters table in DynamoDB Local as RequestCountersTable declares it (key, TTL). */
export async function createRequestCountersTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, ttlAttribute } = REQUEST_COUNTERS_TABLE;
  await createTableWithTtl(client, ttlAttribute, {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
  });
}

/** Creates a table and turns TTL on; an existing table (a persisted local database) is kept as it is. */
async function createTableWithTtl(client: DynamoDBClient, ttlAttribute: string, table: CreateTableCommandInput & { TableName: string }): Promise<void> {
  try {
    await client.send(new CreateTableCommand(table));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table.TableName });
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: table.TableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
  );
}
