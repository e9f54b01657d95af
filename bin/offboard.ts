#!/usr/bin/env node
// End of contract for one tenant: `npm run offboard -- --tenant <id> --export <dir> --delete --table <name>`,
// or everything of it: `npm run offboard -- --tenant <id> --end-of-contract --stack <name> --audit-bucket <b> --state <dir> --table <name>`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { cdkJsonConfig } from './local/cdk-json-config.js';
import { apiGatewayRest } from '../tools/offboarding/api-gateway-rest.js';
import { exitCodeOf, parseOffboardArgs, USAGE, UsageError, type OffboardCommand } from '../tools/offboarding/cli.js';
import { createOffboardingClient } from '../tools/offboarding/dynamodb-client.js';
import { endOfContract } from '../tools/offboarding/end-of-contract.js';
import { offboard } from '../tools/offboarding/offboard.js';
import { InvalidTenantIdError } from '../tools/offboarding/tenant-partition.js';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
  console.error('Stopping after the current page (Ctrl-C again to quit now). Run the same command again to resume.');
});

async function runEndOfContract(command: OffboardCommand, settings: NonNullable<OffboardCommand['endOfContract']>): Promise<number> {
  const { region, request } = command;
  const result = await endOfContract(
    { tenantId: request.tenantId, table: request.table, exportDir: request.exportDir, pageSize: request.pageSize, ...settings, retention: cdkJsonConfig(path.resolve(fileURLToPath(import.meta.url), '../..')) },
    {
      dynamo: createOffboardingClient({ region, endpoint: command.endpoint }),
      api: apiGatewayRest({ region, credentials: defaultProvider() }),
      sns: new SNSClient({ region }),
      secrets: new SecretsManagerClient({ region }),
      s3: new S3Client({ region }),
      signal: interrupt.signal,
      progress: (message) => console.error(message),
    },
  );
  console.log(JSON.stringify(result, null, 2));
  return result.status === 'complete' ? 0 : result.status === 'items-remain' ? 3 : 130;
}

try {
  const command = parseOffboardArgs(process.argv.slice(2));
  if (command.endOfContract) {
    process.exitCode = await runEndOfContract(command, command.endOfContract);
  } else {
    const report = await offboard(command.request, {
      client: createOffboardingClient({ region: command.region, endpoint: command.endpoint }),
      signal: interrupt.signal,
      progress: (message) => console.error(message),
    });
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = exitCodeOf(report);
  }
} catch (error) {
  if (error instanceof UsageError || error instanceof InvalidTenantIdError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`offboard failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
