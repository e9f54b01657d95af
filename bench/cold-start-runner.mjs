// One cold start, in a fresh Node process started by bench/cold-start.ts: imports a bundled handler
// (Lambda's init phase) and invokes it once. Plain JavaScript, so nothing but the bundle is loaded.
// Usage: node --enable-source-maps cold-start-runner.mjs <bundle/index.mjs> <event JSON>
// Reports one JSON line on file descriptor 3; the handler's own output goes to stdout.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventJson] = process.argv.slice(2);
const bootstrapped = performance.now(); // milliseconds since this process's time origin
const { handler } = await import(pathToFileURL(bundle).href);
const initialised = performance.now();
const rssAfterInitBytes = process.memoryUsage().rss;

const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'cold-start',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:cold-start',
  memoryLimitInMB: '512',
  awsRequestId: 'c01d5a27-0000-4000-8000-000000000001',
  logGroupName: '/aws/lambda/cold-start',
  logStreamName: 'cold-start',
  getRemainingTimeInMillis: () => 10_000,
};
const response = await handler(JSON.parse(eventJson), context);
const answered = performance.now();
const usage = process.resourceUsage();

writeSync(
  3,
  `${JSON.stringify({
    statusCode: response.statusCode,
    bootstrapMilliseconds: bootstrapped,
    initMilliseconds: initialised - bootstrapped,
    firstInvokeMilliseconds: answered - initialised,
    cpuMilliseconds: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    rssAfterInitBytes,
    maxRssBytes: usage.maxRSS * 1024,
  })}\n`,
);
process.exit(0); // the SDK's keep-alive sockets would hold the process open
