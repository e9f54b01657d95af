#!/usr/bin/env node
// End of contract for one tenant: `npm run offboard -- --tenant <id> --export <dir> --delete --table <name>`.
import { exitCodeOf, parseOffboardArgs, USAGE, UsageError } from '../tools/offboarding/cli.js';
import { createOffboardingClient } from '../tools/offboarding/dynamodb-client.js';
import { offboard } from '../tools/offboarding/offboard.js';
import { InvalidTenantIdError } from '../tools/offboarding/tenant-partition.js';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
  console.error('Stopping after the current page (Ctrl-C again to quit now). Run the same command again to resume.');
});

try {
  const { request, region, endpoint } = parseOffboardArgs(process.argv.slice(2));
  const report = await offboard(request, {
    client: createOffboardingClient({ region, endpoint }),
    signal: interrupt.signal,
    progress: (message) => console.error(message),
  });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = exitCodeOf(report);
} catch (error) {
  if (error instanceof UsageError || error instanceof InvalidTenantIdError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`offboard failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
