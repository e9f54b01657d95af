#!/usr/bin/env node
// Breach reports and the breach register: `npm run breach -- report <file.json>` (operators),
// `npm run breach -- list` / `show <recordId>` (auditors). See `npm run breach -- --help`.
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { runBreachCli } from '../tools/breach/breach-cli.js';
import { configuredTenantIds } from '../tools/breach/configured-tenants.js';

process.exitCode = await runBreachCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  credentials: () => defaultProvider(),
  s3: (region) => new S3Client({ region }),
  tenantIds: () => configuredTenantIds(new URL('../cdk.json', import.meta.url)),
  pause: (ms) => sleep(ms).then(() => undefined),
});
