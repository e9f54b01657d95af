// Child process of bench/load/run.ts: the local API (the real handlers in their middleware, as
// `npm start` runs them) in a process of its own, so its peak memory is its own and the load
// generator's CPU is not counted against it. The DynamoDB SDK retries as deployed (3 attempts).
import { readFileSync } from 'node:fs';
import { startLocalApi, type LocalApiOptions } from '../../bin/local/local-api.js';

const options = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Omit<LocalApiOptions, 'port'>;
const api = await startLocalApi({ ...options, port: 0, dynamoDbMaxAttempts: 3 });
process.send!({ url: api.url });
process.on('message', (message) => {
  if (message !== 'stop') return;
  void api.close().finally(() => {
    // maxRSS: the kernel's peak resident set of this process (KiB on Linux), not a sample.
    process.send!({ peakRssBytes: process.resourceUsage().maxRSS * 1024 }, () => process.exit(0));
  });
});
