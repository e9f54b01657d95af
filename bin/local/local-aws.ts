import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A real SDK v3 client for DynamoDB Local: fixed dummy credentials (DynamoDB Local checks only
 * their form), the deployment region, and by default no retries that would hide a refused request
 * (`maxAttempts: 3` is the SDK default the deployed functions run with, for runs that inject faults).
 */
export function localDynamoDbClient(endpoint: string, { maxAttempts = 1 } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
}

export function localDocumentClient(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(localDynamoDbClient(endpoint, options));
}
