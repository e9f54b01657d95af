#!/usr/bin/env node
// The processor's contribution to a controller's DPIA (processor agreement 2.5), from the same model as
// the Art. 30 register: `npm run dpia -- --tenant <id> [--format md|json] [-c key=value ...]`.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import { composeRegisterDraft } from '../lib/app.js';
import { loadConfig } from '../lib/config/load-config.js';
import { buildDpiaInput, renderDpiaMarkdown } from '../tools/dpia/dpia.js';
import { cdkJsonContext, contextOverrides, endOnCliError, UsageError } from '../tools/register/cdk-context.js';
import { registerDocumentsOfApp } from '../tools/register/register-documents.js';
import { currentSourceCommit } from '../tools/register/source-commit.js';

const USAGE = 'Usage: npm run dpia -- --tenant <id> [--format md|json] [-c key=value ...]';
const REPO_ROOT = path.resolve(import.meta.dirname, '..');

try {
  const { values } = (() => {
    try {
      return parseArgs({ options: { tenant: { type: 'string' }, format: { type: 'string', default: 'md' }, context: { type: 'string', short: 'c', multiple: true, default: [] } } });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  if (!values.tenant) throw new UsageError('--tenant is required');
  if (values.format !== 'md' && values.format !== 'json') throw new UsageError('--format must be md or json');
  const app = new App({ context: { ...cdkJsonContext(REPO_ROOT), ...contextOverrides(values.context) } });
  const config = loadConfig(app.node);
  if (!config.tenants.some((t) => t.id === values.tenant)) throw new UsageError(`no tenant ${values.tenant} in the configuration`);
  composeRegisterDraft(app, config, config.mmdbPath ?? (await ensureDefaultDatabase()));
  const { register } = registerDocumentsOfApp(app, config, { generatedAt: new Date(), sourceCommit: currentSourceCommit(REPO_ROOT) });
  const dpia = buildDpiaInput(register, values.tenant);
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(dpia, null, 2)}\n` : renderDpiaMarkdown(dpia));
} catch (error) {
  endOnCliError(error, USAGE);
}
