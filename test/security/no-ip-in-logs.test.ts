import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BREACH_ENV } from '../../lambdas/breach-shared/breach-environment.js';
import { lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../support/api-gateway-events.js';
import { REPO_ROOT, testDatabase } from '../support/maxmind-test-data.js';
import { capturedWrites } from './support/captured-writes.js';
import { ROUTES, startInProcessFunctions, type InProcessFunctions } from './support/in-process-api.js';
import { ipSpellings } from './support/ip-spellings.js';
import { deployedRoutes, documentedOperations } from './support/route-catalog.js';
import { synthesizeApp } from './support/stack-resources.js';

/**
 * No IP address in anything a function writes. Every function runs at DEBUG level with the incoming
 * event logged (the most any configuration makes it log) and is driven through every route, on its
 * success and every error path (refused key, unknown parameter, bad body, wrong media type, oversized
 * body, unknown route and method, an unexpected internal error whose message carries the address) and
 * through a failed cold start, with known addresses in the path, query (names and values), body,
 * forwarding headers and source IP. Everything written to stdout, stderr or the console is captured;
 * no spelling of any of the addresses may appear in it.
 */

const ADDRESSES = {
  governmentV4: '81.2.69.161', // stored as a visit
  businessV4: '214.214.214.218', // stored as a visit
  publicV4: '89.160.20.129', // public, answered
  privateV4: '10.1.2.3', // not public: 422
  governmentV6: '2001:480:10::1', // stored as a visit
  hexV6: '2a02:cf40:abcd::7', // hex letters: upper/lower case spellings differ
  uniqueLocalV6: 'fd00::77', // not public: 422
  documentationV6: '2001:db8:0:12::99', // not public: 422
};
const ALL = Object.values(ADDRESSES);
const OTHER_HOP = '198.51.100.23';

const bracketed = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);
// A site id or URL host that is an address is refused (IP_ADDRESS_NOT_ALLOWED): the stored path carries it instead, to be scrubbed.
const sampleFor = (ip: string) => ({ ip, siteId: 'www.example.com', pageUrl: `https://www.example.com/visit/${ip}?ip=${ip}#${ip}` });

/** Forwarding headers, a referrer and a user agent naming the address, and the address as API Gateway's source IP. */
function carrying(ip: string): Partial<EventParts> {
  return {
    sourceIp: ip,
    headers: {
      'X-Forwarded-For': `${ip}, ${OTHER_HOP}`,
      Forwarded: `for="${bracketed(ip)}:4711";proto=https, for=${OTHER_HOP}`,
      'X-Real-IP': ip,
      'True-Client-IP': ip,
      'CF-Connecting-IP': ip,
      Referer: `https://www.example.com/?from=${ip}`,
      'User-Agent': `probe/1.0 (+${ip})`,
      'X-Debug-Note': `client ${ip} via ${OTHER_HOP}`,
      ...(ip.includes(':') ? {} : { [`X-Client-${ip}`]: 'header name carrying the address' }),
    },
  };
}

/** Every request of one route around one address: success and each client-error path. */
function requestsAround(example: EventParts, ip: string): EventParts[] {
  const around = { ...example, ...carrying(ip), headers: { ...example.headers, ...carrying(ip).headers } };
  const requests: EventParts[] = [
    around,
    { ...around, query: { ...(example.query ?? {}), [ip]: ip, note: `seen ${ip}` } }, // unknown parameters, named by the address
    { ...around, query: { ...(example.query ?? {}), siteId: [ip, ip] } }, // repeated parameter
    { ...around, apiKeyId: null },
    { ...around, apiKeyId: `key-${ip}` },
  ];
  if (example.body !== undefined) {
    requests.push(
      { ...around, body: `{"ips":["${ip}"],"visitorIp":"${ip}",` }, // not JSON
      { ...around, body: JSON.stringify(example.body), headers: { ...around.headers, 'Content-Type': `text/plain; client=${ip}` } },
      { ...around, body: JSON.stringify({ padding: `${ip} `.repeat(8_000) }) }, // over every body limit
      { ...around, body: JSON.stringify({ [ip]: ip, unexpected: [ip] }) }, // unknown fields, named by the address
    );
  }
  return requests;
}

let functions: InProcessFunctions;
let output = '';
const routesDriven: string[] = [];
let apiRoutes: string[] = [];
const initFailures: string[] = [];

beforeAll(async () => {
  const app = synthesizeApp({ asDeployed: false });
  apiRoutes = [...new Set([...documentedOperations().map((op) => op.key), ...deployedRoutes(app).map((route) => route.key)])];
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
  functions = await startInProcessFunctions();

  output = await capturedWrites(async () => {
    const recordIds: string[] = [];
    for (const [key, route] of Object.entries(ROUTES)) {
      for (const ip of ALL) {
        const example = route.example(sampleFor(ip));
        for (const spelling of ipSpellings(ip).filter((text) => !text.includes('%'))) {
          const answer = await functions.call({ ...route.example(sampleFor(spelling)), ...carrying(spelling) });
          if (answer.body?.recordId) recordIds.push(answer.body.recordId);
        }
        for (const parts of requestsAround(example, ip)) await functions.call(parts);
        // Another method and another resource of the same function: 405 and 404.
        await functions.handlers[route.fn](proxyEvent({ ...example, ...carrying(ip), method: 'DELETE' }), lambdaContext());
        await functions.handlers[route.fn](proxyEvent({ ...example, ...carrying(ip), resource: `/v1/${ip}/{ip}`, pathParameters: { ip } }), lambdaContext());
        // An unexpected failure (a dependency's error message naming the address): the 500 path.
        functions.faults.error = new Error(`connection to ${ip} (${bracketed(ADDRESSES.hexV6)}:443) reset while handling ${ADDRESSES.governmentV4}`);
        await functions.call({ ...example, ...carrying(ip) });
        functions.faults.error = undefined;
      }
      routesDriven.push(key);
    }
    for (const ip of ALL) {
      await functions.notify(retryEvent([`{"recordId":"${ip}"}`, ip, JSON.stringify({ recordId: recordIds[0], from: ip })], ip), lambdaContext('notify'));
      functions.faults.error = new Error(`S3 at ${ip} refused the request`);
      await functions.notify(retryEvent([JSON.stringify({ recordId: recordIds[0] })], ip), lambdaContext('notify'));
      functions.faults.error = undefined;
    }
    for (const handler of handlerModules()) {
      for (const env of failingEnvironments(ADDRESSES.governmentV4, ADDRESSES.hexV6)) {
        const failure = await loadHandler(handler, env).then(() => undefined, (error: unknown) => error);
        if (failure) initFailures.push(handler);
      }
    }
  });
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.resetModules();
  await functions?.stop();
});

/** The deployed entry points (lambdas/<function>/handler.ts), found on disk so a new function is included. */
function handlerModules(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'lambdas'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(path.join(REPO_ROOT, 'lambdas', entry.name)).includes('handler.ts'))
    .map((entry) => entry.name);
}

/** Cold-start configurations that fail, each carrying the addresses where a value would be echoed. */
function failingEnvironments(ipv4: string, ipv6: string): Record<string, string>[] {
  const valid = {
    AWS_REGION: 'eu-central-1',
    MMDB_PATH: testDatabase('GeoLite2-ASN-Test'),
    TENANT_API_KEYS: JSON.stringify(TEST_TENANT_KEYS),
    VISITS_TABLE_NAME: 'visits',
    VISIT_TTL_DAYS: '20',
    VISIT_SHARDS: '1',
    PSEUDONYM_SECRET_ARNS: JSON.stringify({ 'tenant-a': 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:pseudonym-a' }),
    TENANT_TOPIC_ARNS: JSON.stringify({ 'tenant-a': 'arn:aws:sns:eu-central-1:123456789012:notice-a' }),
    [BREACH_ENV.bucket]: 'register',
    [BREACH_ENV.retentionYears]: '5',
    [BREACH_ENV.tenantIds]: 'tenant-a',
    [BREACH_ENV.topicArnPrefix]: 'arn:aws:sns:eu-central-1:123456789012:notice-',
    [BREACH_ENV.retryQueueUrl]: 'https://sqs.eu-central-1.amazonaws.com/123456789012/retries',
  };
  const garbage = `${ipv4} ${ipv6}`;
  return [
    { ...valid, MMDB_PATH: `/nonexistent/${ipv4}/${ipv6}/database.mmdb` },
    { ...valid, TENANT_API_KEYS: JSON.stringify({ [ipv4]: ipv4, [ipv6]: ipv6 }), TENANT_TOPIC_ARNS: JSON.stringify({ [ipv4]: ipv6 }) },
    Object.fromEntries(Object.entries(valid).map(([name, value]) => [name, name === 'AWS_REGION' ? value : garbage])),
  ];
}

async function loadHandler(name: string, env: Record<string, string>): Promise<unknown> {
  vi.resetModules();
  for (const [variable, value] of Object.entries(env)) vi.stubEnv(variable, value);
  return import(pathToFileURL(path.join(REPO_ROOT, 'lambdas', name, 'handler.ts')).href);
}

function retryEvent(bodies: string[], ip: string): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `message-${i}`,
      receiptHandle: `receipt-${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: ip, ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: { clientIp: { stringValue: ip, dataType: 'String' } },
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:retries',
      awsRegion: 'eu-central-1',
    })),
  };
}

const logRecords = () =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);

describe('no IP address in anything a function writes', () => {
  it('drove every route of the API (documented and deployed), the queue consumer and every handler’s cold start', () => {
    expect(apiRoutes.filter((key) => !(key in ROUTES)), 'routes without an in-process function: add them to ROUTES').toEqual([]);
    expect(routesDriven.sort()).toEqual(Object.keys(ROUTES).sort());
    expect(new Set(initFailures)).toEqual(new Set(handlerModules()));
  });

  it('logged requests, events, refusals, unexpected errors and failed cold starts (the check below is not vacuous)', () => {
    const messages = new Set(logRecords().map((record) => record.message));
    for (const message of ['Lambda invocation event', 'request refused', 'unhandled error', 'visit stored', 'breach notification retry failed']) {
      expect(messages, message).toContain(message);
    }
    expect([...messages].some((message) => String(message).startsWith('startup failed'))).toBe(true);
    expect(logRecords().length).toBeGreaterThan(1_000);
    expect(output).toContain('[redacted');
  });

  it.each(Object.entries(ADDRESSES))('never writes the %s address %s, in any spelling', (_, ip) => {
    const leaked = ipSpellings(ip).filter((spelling) => output.includes(spelling));
    const context = leaked.map((spelling) => {
      const at = output.indexOf(spelling);
      return output.slice(Math.max(0, at - 160), at + spelling.length + 40);
    });
    expect(context, `spellings found: ${leaked.join(', ')}`).toEqual([]);
  });
});
