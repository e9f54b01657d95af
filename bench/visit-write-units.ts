// DynamoDB write request units of one stored visit: an item the visits handler wrote during the
// latency run, written again (unchanged) to a second table of the same schema with
// ReturnConsumedCapacity, so DynamoDB Local counts the table's and the index's units itself.
import { ScanCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localDocumentClient, localDynamoDbClient } from '../bin/local/local-aws.js';
import { createVisitsTable } from '../bin/local/visits-table.js';

export interface VisitWriteUnits {
  readonly table: number;
  /** The byVisitor index (keys only). */
  readonly indexes: number;
  readonly total: number;
  /** The item's attribute names and values as JSON: a rough idea of its size. */
  readonly itemJsonBytes: number;
}

export async function measureVisitWriteUnits(endpoint: string, tableName: string): Promise<VisitWriteUnits> {
  const client = localDynamoDbClient(endpoint);
  const documents = localDocumentClient(endpoint);
  try {
    const { Items } = await documents.send(new ScanCommand({ TableName: tableName, Limit: 1 }));
    const item = Items?.[0];
    if (!item) throw new Error('the latency run stored no visit');
    const checkTable = `${tableName}-write-units`;
    await createVisitsTable(client, checkTable);
    const { ConsumedCapacity } = await documents.send(new PutCommand({ TableName: checkTable, Item: item, ReturnConsumedCapacity: 'INDEXES' }));
    const indexes = Object.values(ConsumedCapacity?.GlobalSecondaryIndexes ?? {}).reduce((sum, index) => sum + (index.CapacityUnits ?? 0), 0);
    return {
      table: ConsumedCapacity?.Table?.CapacityUnits ?? 0,
      indexes,
      total: ConsumedCapacity?.CapacityUnits ?? 0,
      itemJsonBytes: Buffer.byteLength(JSON.stringify(item)),
    };
  } finally {
    documents.destroy();
    client.destroy();
  }
}
