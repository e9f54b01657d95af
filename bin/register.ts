#!/usr/bin/env node
// The GDPR Art. 30 register of this deployment: `npm run register -- [--out <dir>] [--format json|md]`.
// Composes the app exactly as `cdk synth` does (cdk.json context plus -c overrides), synthesizes it and
// writes register.json, register.md and each controller's view (controllers/<id>/register.{json,html}),
// derived from the configuration and the templates.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import { composeRegisterDraft } from '../lib/app.js';
import { loadConfig } from '../lib/config/load-config.js';
import { cdkJsonContext, contextOverrides, endOnCliError, UsageError } from '../tools/register/cdk-context.js';
import { registerDocumentsOfApp } from '../tools/register/register-documents.js';
import { currentSourceCommit } from '../tools/register/source-commit.js';

const USAGE = `Usage: npm run register -- [--out <dir>] [--format json|md] [-c key=value ...]

  --out <dir>              write the register and the controllers' views there (default .local/register)
  --format json|md         print the whole register to stdout instead of writing files
  -c, --context key=value  override a cdk.json context value, as with cdk synth

The processor's identity and DPO come from the configuration (context "processor"), as for a deployment.`;

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

try {
  const values = parseOptions();

  const app = new App({ context: { ...cdkJsonContext(REPO_ROOT), ...contextOverrides(values.context) } });
  const config = loadConfig(app.node);
  composeRegisterDraft(app, config, config.mmdbPath ?? (await ensureDefaultDatabase()));
  const { documents } = registerDocumentsOfApp(app, config, { generatedAt: new Date(), sourceCommit: currentSourceCommit(REPO_ROOT) });

  if (values.format !== undefined) {
    process.stdout.write(documents[`register.${values.format}`]!);
  } else {
    for (const [file, content] of Object.entries(documents)) {
      const target = path.join(values.out, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      console.error(`wrote ${target}`);
    }
  }
} catch (error) {
  endOnCliError(error, USAGE);
}

function parseOptions() {
  const values = parseStrict();
  const { format } = values;
  if (format !== undefined && format !== 'json' && format !== 'md') throw new UsageError('--format must be json or md');
  return { ...values, format: format as 'json' | 'md' | undefined };
}

function parseStrict() {
  try {
    return parseArgs({
      options: {
        out: { type: 'string', default: path.join(REPO_ROOT, '.local/register') },
        format: { type: 'string' },
        context: { type: 'string', short: 'c', multiple: true, default: [] },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
