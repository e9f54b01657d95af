#!/usr/bin/env node
// The quarterly audit evidence pack of one controller (processor agreement 10):
//   npm run audit-pack -- --tenant <id> --quarter 2026-Q4 [--offline | --audit-bucket <name>] [--upload] ...
// The template parts are synthesized offline from this checkout (as cdk synth does); the account parts
// are read from S3 with the caller's AWS credentials (the audit trail bucket and the breach register).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import { InstructionConflictError } from '../lib/compliance/instruction-review.js';
import { loadConfig } from '../lib/config/load-config.js';
import type { OffboardReport } from '../tools/offboarding/offboard.js';
import { assembleAuditPack, testSummaryOf, type AuditPack } from '../tools/audit-pack/audit-pack.js';
import { liveEvidence } from '../tools/audit-pack/live-evidence.js';
import type { PublicKeys } from '../tools/audit-pack/log-file-validation.js';
import { packFiles, packPrefix, storePack } from '../tools/audit-pack/pack-files.js';
import { parseQuarter } from '../tools/audit-pack/quarter.js';
import { templateEvidence } from '../tools/audit-pack/template-evidence.js';
import { cdkJsonContext, contextOverrides, endOnCliError, UsageError } from '../tools/register/cdk-context.js';
import { currentSourceCommit } from '../tools/register/source-commit.js';

const USAGE = `Usage: npm run audit-pack -- --tenant <id> --quarter <YYYY-Qn> [options]

  --offline                    template parts only: no AWS call (the account sections say "not read")
  --audit-bucket <name>        the audit trail bucket (stack output AuditBucket): read the account parts
  --public-keys <file>         output of \`aws cloudtrail list-public-keys\` for the quarter: verify digest signatures
  --test-results <file>        \`npx vitest run --reporter=json --outputFile=<file>\` of the deployed commit
  --offboarding-report <file>  an offboarding report (JSON printed by npm run offboard); repeatable
  --out <dir>                  where to write report.html, report.json, MANIFEST.sha256 (default .local/audit-packs/<tenant>/<quarter>)
  --upload                     also store the pack under Object Lock in the audit bucket (audit-packs/<tenant>/<quarter>/)
  -c, --context key=value      override a cdk.json context value, as with cdk synth`;

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

try {
  const options = parseOptions();
  const context = { ...cdkJsonContext(REPO_ROOT), ...contextOverrides(options.context) };
  const config = loadConfig(new App({ context }).node);
  if (!config.tenants.some((t) => t.id === options.tenant)) throw new UsageError(`no tenant ${options.tenant} in the configuration`);
  const quarter = parseQuarter(options.quarter);
  const generatedAt = new Date();

  const templates = templateEvidence(context, config, config.mmdbPath ?? (await ensureDefaultDatabase()), options.tenant, {
    generatedAt,
    sourceCommit: currentSourceCommit(REPO_ROOT),
  });
  const s3 = options.offline ? undefined : new S3Client({ region: config.region });
  const account: AuditPack['account'] = s3
    ? await liveEvidence({ s3, auditBucket: options.auditBucket!, publicKeys: options.publicKeys ? await readPublicKeys(options.publicKeys) : undefined }, options.tenant, quarter)
    : { unavailable: '--offline: made without AWS credentials' };
  const pack = assembleAuditPack({
    tenantId: options.tenant,
    quarter,
    generatedAt,
    templates,
    tests: options.testResults ? testSummaryOf(JSON.parse(await readFile(options.testResults, 'utf8')), options.testResults) : { unavailable: 'no --test-results given' },
    account,
    offboardingReports: await Promise.all(options.offboardingReports.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as OffboardReport)),
  });
  const files = packFiles(pack);
  const out = options.out ?? path.join(REPO_ROOT, '.local', packPrefix(options.tenant, quarter.label));
  await mkdir(out, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(out, name), bytes);
  console.error(`wrote ${Object.keys(files).map((name) => path.join(out, name)).join(', ')}`);
  if (options.upload && s3) {
    for (const { key, versionId } of await storePack(s3, options.auditBucket!, pack, files)) console.error(`stored s3://${options.auditBucket}/${key} (version ${versionId ?? 'unknown'})`);
  }
} catch (error) {
  endOnCliError(error, USAGE, [InstructionConflictError]);
}

function parseOptions() {
  let values;
  try {
    values = parseArgs({
      options: {
        tenant: { type: 'string' },
        quarter: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'audit-bucket': { type: 'string' },
        'public-keys': { type: 'string' },
        'test-results': { type: 'string' },
        'offboarding-report': { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        upload: { type: 'boolean', default: false },
        context: { type: 'string', short: 'c', multiple: true, default: [] },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.tenant) throw new UsageError('--tenant is required');
  if (!values.quarter || !/^\d{4}-Q[1-4]$/.test(values.quarter)) throw new UsageError('--quarter is required, like 2026-Q4');
  if (!values.offline && !values['audit-bucket']) throw new UsageError('give --audit-bucket to read the account, or --offline');
  if (values.upload && values.offline) throw new UsageError('--upload needs the account: leave out --offline');
  return {
    tenant: values.tenant,
    quarter: values.quarter,
    offline: values.offline,
    auditBucket: values['audit-bucket'],
    publicKeys: values['public-keys'],
    testResults: values['test-results'],
    offboardingReports: values['offboarding-report'],
    out: values.out,
    upload: values.upload,
    context: values.context,
  };
}

/** `aws cloudtrail list-public-keys` output: base64 DER keys by hex fingerprint. */
async function readPublicKeys(file: string): Promise<PublicKeys> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { PublicKeyList?: Array<{ Value: string; Fingerprint: string }> };
  return new Map((json.PublicKeyList ?? []).map((key) => [key.Fingerprint, Buffer.from(key.Value, 'base64')]));
}
