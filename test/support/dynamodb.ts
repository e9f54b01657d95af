import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localDocumentClient, localDynamoDbClient } from '../../bin/local/local-aws.js';
import { createRequestCountersTable, createVisitsTable } from '../../bin/local/visits-table.js';

export interface TestVisitsTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Every item in the table, read straight from DynamoDB Local (no code under test in between). */
  items(): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

/** A fresh data-subject-request counters table in the run's DynamoDB Local; its name. */
export async function createTestCountersTable(): Promise<string> {
  const client = localDynamoDbClient(inject('dynamoDbEndpoint'));
  const tableName = `request-counters-${randomUUID()}`;
  await createRequestCountersTable(client, tableName);
  client.destroy();
  return tableName;
}

/** A fresh visits table, created like the deployed one, in the run's DynamoDB Local. */
export async function createTestVisitsTable(): Promise<TestVisitsTable> {
  const endpoint = inject('dynamoDbEndpoint');
  const tableName = `visits-${randomUUID()}`;
  const client = localDynamoDbClient(endpoint);
  const documentClient = localDocumentClient(endpoint);
  await createVisitsTable(client, tableName);
  return {
    endpoint,
    tableName,
    client,
    documentClient,
    async items() {
      const items: Array<Record<string, unknown>> = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
      documentClient.destroy();
    },
  };
}
