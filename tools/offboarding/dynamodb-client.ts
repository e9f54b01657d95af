import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A DynamoDB client for the offboarding CLI: AWS's default credential chain, or, for a local
 * endpoint (DynamoDB Local), fixed dummy credentials, so real ones are never sent to a local port.
 */
export function createOffboardingClient(options: { region: string; endpoint: string | undefined }): DynamoDBClient {
  const local = options.endpoint !== undefined && LOCAL_HOSTS.has(new URL(options.endpoint).hostname);
  return new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 10,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
