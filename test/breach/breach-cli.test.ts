import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportBreachApi } from '../../lambdas/breach-report/report-breach.js';
import { runBreachCli, type CliIo } from '../../tools/breach/breach-cli.js';
import { validateBreachReport } from '../../lambdas/breach-shared/validate-report.js';
import { lambdaContext, proxyEvent, TEST_OPERATOR_ARN } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { BreachEmulator, BUCKET } from './support/emulator.js';
import { NOW, sampleReport } from './support/sample-report.js';
import { verifySigV4 } from './support/sigv4-verifier.js';
import { awsError, failWhen, TENANT_IDS, wire, type Wiring } from './support/wiring.js';

/**
 * The CLI end to end: `report` signs with SigV4 and POSTs to a local stand-in for API Gateway that
 * checks the signature as IAM authorization would, then hands the request to the real report
 * function (on fauxqs); `list` and `show` read the register in fauxqs as an auditor would.
 */
const OPERATOR = { accessKeyId: 'AKIDOPERATOR', secretAccessKey: 'operator-secret' };
const ROUTE = '/live/v1/operator/breaches';

let emulator: BreachEmulator;
let wiring: Wiring;
let gateway: Server;
let endpoint: string;
let dir: string;
/** What the stand-in gateway does with the next requests: 'forward' (after checking the signature) or a status to answer. */
let script: Array<'forward' | number>;
const received: Array<{ body: string; signedBy: string | undefined }> = [];

beforeAll(async () => {
  emulator = await BreachEmulator.start(TENANT_IDS);
  dir = mkdtempSync(path.join(tmpdir(), 'breach-cli-'));
  gateway = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void (async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = verifySigV4({ method: request.method!, path: request.url!, headers: request.headers, body }, { [OPERATOR.accessKeyId]: OPERATOR.secretAccessKey }, { region: 'eu-central-1', service: 'execute-api' });
      received.push({ body, signedBy: 'accessKeyId' in verdict ? verdict.accessKeyId : undefined });
      const next = script.shift() ?? 'forward';
      let status: number;
      let answer: string;
      if ('invalid' in verdict) [status, answer] = [403, JSON.stringify({ message: `Forbidden: ${verdict.invalid}` })];
      else if (next !== 'forward') [status, answer] = [next, JSON.stringify({ message: 'Service Unavailable' })];
      else {
        const result = await reportBreachApi(wiring.deps)(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body, apiKeyId: null }), lambdaContext('breach-report'));
        [status, answer] = [result.statusCode, result.body];
      }
      response.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    })());
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}${ROUTE}`;
});

afterAll(async () => {
  await new Promise((resolve) => gateway.close(resolve));
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emulator.reset();
  wiring = wire(emulator);
  script = [];
  received.length = 0;
});

async function cli(args: string[], options: { credentials?: typeof OPERATOR; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const pauses: number[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { AWS_REGION: 'eu-central-1', ...options.env },
    credentials: () => options.credentials ?? OPERATOR,
    s3: () => wiring.s3,
    tenantIds: async () => TENANT_IDS,
    pause: async (ms) => {
      pauses.push(ms);
    },
  };
  let code = -1;
  await capturedOutput(async () => {
    code = await runBreachCli(args, io);
  });
  return { code, out: out.join('\n'), err: err.join('\n'), pauses };
}

const reportFile = (content: unknown) => {
  const file = path.join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const RECORD_ID = 'BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c';

describe('breach report', () => {
  it('signs the report with the operator\'s credentials (SigV4, execute-api) and prints the stored record', async () => {
    const { code, out } = await cli(['report', reportFile(sampleReport()), '--endpoint', endpoint]);
    expect(code).toBe(0);
    expect(received).toEqual([{ body: JSON.stringify(sampleReport()), signedBy: OPERATOR.accessKeyId }]);
    expect(out).toContain('Breach recorded and every affected controller notified.');
    expect(out).toContain(`recordId: ${RECORD_ID}`);
    expect(out).toContain('notified: acme, globex');
    expect(emulator.received('acme')).toHaveLength(1);
  });

  it('takes the endpoint from $BREACH_API_URL', async () => {
    const { code } = await cli(['report', reportFile(sampleReport())], { env: { BREACH_API_URL: endpoint } });
    expect(code).toBe(0);
  });

  it('is refused by the gateway with credentials that do not match (403), and says so', async () => {
    const { code, err } = await cli(['report', reportFile(sampleReport()), '--endpoint', endpoint], { credentials: { ...OPERATOR, secretAccessKey: 'wrong' } });
    expect(code).toBe(1);
    expect(err).toContain('Refused (403)');
    expect(emulator.received('acme')).toEqual([]);
  });

  it('resends the same report after a 5xx (safe: idempotent), then succeeds', async () => {
    script = [503];
    const { code, out, err, pauses } = await cli(['report', reportFile(sampleReport()), '--endpoint', endpoint]);
    expect(code).toBe(0);
    expect(err).toContain('Attempt 1: the service answered 503; resending the same report');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThanOrEqual(1000);
    expect(pauses[0]).toBeLessThanOrEqual(2000);
    expect(received.map((r) => r.body)).toEqual([JSON.stringify(sampleReport()), JSON.stringify(sampleReport())]);
    expect(out).toContain(`recordId: ${RECORD_ID}`);
  });

  it('reports a resent file as already recorded, sending nothing twice', async () => {
    const file = reportFile(sampleReport());
    await cli(['report', file, '--endpoint', endpoint]);
    const { code, out } = await cli(['report', file, '--endpoint', endpoint]);
    expect(code).toBe(0);
    expect(out).toContain('already recorded');
    expect(emulator.received('acme')).toHaveLength(1);
  });

  it('checks the file locally first and sends nothing when it is invalid, naming each field', async () => {
    const { contact: _contact, ...incomplete } = sampleReport();
    const { code, err } = await cli(['report', reportFile({ ...incomplete, occurredAt: 'yesterday' }), '--endpoint', endpoint]);
    expect(code).toBe(1);
    expect(err).toContain('contact: is required');
    expect(err).toContain('occurredAt: must be an ISO 8601 date-time');
    expect(received).toEqual([]);
  });

  it('--dry-run validates with the same schema and sends nothing', async () => {
    expect((await cli(['report', reportFile(sampleReport()), '--dry-run'])).out).toMatch(/is a valid breach report\.$/);
    const invalid = await cli(['report', reportFile(sampleReport({ affectedTenants: ['umbrella'] })), '--dry-run']);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('affectedTenants[0]: "umbrella" is not a configured tenant');
    expect((await cli(['report', reportFile('{ not json'), '--dry-run'])).code).toBe(1);
    expect(received).toEqual([]);
  });

  it('refuses a plain-http endpoint other than localhost', async () => {
    const { code, err } = await cli(['report', reportFile(sampleReport()), '--endpoint', 'http://api.example.com/live/breaches']);
    expect(code).toBe(2);
    expect(err).toContain('https');
  });
});

describe('breach template', () => {
  it('prints a report skeleton with a fresh reportId that passes validation once filled in', async () => {
    const first = JSON.parse((await cli(['template'])).out);
    const second = JSON.parse((await cli(['template'])).out);
    expect(first.reportId).not.toBe(second.reportId);
    expect(validateBreachReport({ ...first, affectedTenants: ['acme'] }, { tenantIds: TENANT_IDS, now: new Date() }).ok).toBe(true);
  });
});

describe('breach list and show (auditors)', () => {
  beforeEach(async () => {
    await capturedOutput(() => reportBreachApi(wiring.deps)(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body: sampleReport(), apiKeyId: null }), lambdaContext('breach-report')));
  });

  it('lists the records in the register', async () => {
    const { code, out } = await cli(['list', '--bucket', BUCKET]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${RECORD_ID}  \\S+  breaches/2026/11/25/${RECORD_ID}\\.json$`));
  });

  it('shows a record with its integrity check and who was notified when, and what S3 could not tell', async () => {
    const { code, out } = await cli(['show', RECORD_ID], { env: { BREACH_REGISTER_BUCKET: BUCKET } });
    expect(code).toBe(0);
    expect(out).toContain(`Record      ${RECORD_ID}`);
    expect(out).toContain('Status      confirmed');
    expect(out).toContain(`Reported by ${TEST_OPERATOR_ARN}`);
    expect(out).toMatch(/SHA-256 {5}[0-9a-f]{64} \(matches the metadata and S3 checksum\)/);
    expect(out).toContain(`Notified    acme at ${NOW.toISOString()}`);
    expect(out).toContain(`Notified    globex at ${NOW.toISOString()}`);
    expect(out).not.toContain('NOT notified');
    // fauxqs implements no Object Lock or version listing: shown as unavailable, never guessed.
    expect(out).toMatch(/Retention {3}unavailable \(/);
    expect(JSON.parse(out.slice(out.indexOf('\n{') + 1))).toMatchObject({ recordId: RECORD_ID, report: { nature: sampleReport().nature } });
  });

  it('fails for an unknown record, without a bucket, and when S3 refuses', async () => {
    expect((await cli(['show', 'BR-20261125-no-such-record', '--bucket', BUCKET])).code).toBe(1);
    expect((await cli(['list'])).code).toBe(2);
    failWhen(wiring.s3, (command) => (command === 'ListObjectsV2Command' ? awsError('AccessDenied', 403) : undefined));
    const refused = await cli(['list', '--bucket', BUCKET]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`Cannot list the records in ${BUCKET}`);
  });
});

it('prints its usage for no or an unknown command (exit 2) and for --help (exit 0)', async () => {
  expect((await cli([])).code).toBe(2);
  expect((await cli(['frobnicate'])).err).toContain('unknown command frobnicate');
  const help = await cli(['--help']);
  expect(help.code).toBe(0);
  expect(help.out).toContain('breach report <file.json>');
});
