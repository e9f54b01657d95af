#!/usr/bin/env node
// Change notices (processor agreement 12.4) and instruction warnings (2.4):
//   npm run change-notice -- status
//   npm run change-notice -- record --effective-from YYYY-MM-DD
//   npm run change-notice -- send --account <12 digits>
//   npm run change-notice -- override --notice <id> --by <name> --reason <text>
//   npm run change-notice -- baseline          (after a deployment: the published register becomes the baseline)
// The ledger is compliance/change-notices.json; commit it. `cdk synth` reads it (lib/compliance/change-control.ts).
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SNSClient } from '@aws-sdk/client-sns';
import { App } from 'aws-cdk-lib';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import { composeRegisterDraft, ENRICHMENT_STACK_NAME } from '../lib/app.js';
import { tenantNoticeTopicName } from '../lib/breach/breach-alert-topics.js';
import { checkChangeControl, ChangeControlError, earliestEffectiveDate, unannouncedChanges } from '../lib/compliance/change-control.js';
import { DEFAULT_LEDGER_FILE, readLedger, sectionHashes, writeLedger } from '../lib/compliance/change-ledger.js';
import { reviewInstructions } from '../lib/compliance/instruction-review.js';
import { materialFacts } from '../lib/compliance/material-facts.js';
import { loadConfig } from '../lib/config/load-config.js';
import { sendPending } from '../tools/change-notice/send-notices.js';
import { cdkJsonContext, contextOverrides, endOnCliError, UsageError } from '../tools/register/cdk-context.js';
import { registerDocumentsOfApp } from '../tools/register/register-documents.js';
import { currentSourceCommit } from '../tools/register/source-commit.js';

const USAGE = `Usage: npm run change-notice -- <status|record|send|override|baseline> [options] [-c key=value ...]

  status                               material changes since the baseline and the state of each notice
  record --effective-from YYYY-MM-DD   record a notice of the changes no notice covers yet (at least 3 months ahead)
  send --account <id>                  publish unsent notices and instruction warnings to the controllers' notice topics
  override --notice <id> --by <name> --reason <text>   allow deploying a notice's changes before its effective date
  baseline                             make the current register the baseline (run after deploying it)
  --ledger <file>                      default ${DEFAULT_LEDGER_FILE}`;

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

try {
  const { command, values } = parseOptions();
  const ledgerFile = path.resolve(REPO_ROOT, values.ledger ?? DEFAULT_LEDGER_FILE);
  const ledger = readLedger(ledgerFile);
  const app = new App({ context: { ...cdkJsonContext(REPO_ROOT), ...contextOverrides(values.context) } });
  const config = loadConfig(app.node);
  composeRegisterDraft(app, config, config.mmdbPath ?? (await ensureDefaultDatabase()));
  const now = new Date();
  const sourceCommit = currentSourceCommit(REPO_ROOT);
  const { register } = registerDocumentsOfApp(app, config, { generatedAt: now, sourceCommit });

  switch (command) {
    case 'status': {
      try {
        const result = checkChangeControl(register, ledger, now);
        console.log(JSON.stringify({ deployable: true, ...result }, null, 2));
      } catch (error) {
        if (!(error instanceof ChangeControlError)) throw error;
        console.log(JSON.stringify({ deployable: false, problems: error.problems }, null, 2));
      }
      break;
    }
    case 'record': {
      const effectiveFrom = values['effective-from'];
      if (!effectiveFrom || !/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) throw new UsageError('record needs --effective-from YYYY-MM-DD');
      const earliest = earliestEffectiveDate(now);
      if (effectiveFrom < earliest) throw new UsageError(`--effective-from must be at least 3 months ahead: ${earliest} or later`);
      const changes = unannouncedChanges(register, ledger);
      if (changes.length === 0) throw new UsageError('no material change needs a notice');
      const id = `CN-${now.toISOString().slice(0, 10)}-${ledger.notices.length + 1}`;
      writeLedger(ledgerFile, { ...ledger, notices: [...ledger.notices, { id, recordedAt: now.toISOString(), effectiveFrom, changes }] });
      console.error(`recorded ${id} (${changes.length} change(s), effective ${effectiveFrom}) in ${ledgerFile}: now send it`);
      break;
    }
    case 'send': {
      const account = values.account ?? config.account;
      if (!account || !/^\d{12}$/.test(account)) throw new UsageError('send needs --account <12-digit id> (or account in the configuration)');
      const sns = new SNSClient({ region: config.region });
      const updated = await sendPending(ledger, reviewInstructions(config).warnings, {
        sns,
        config,
        topicArnOf: (tenantId) => `arn:aws:sns:${config.region}:${account}:${tenantNoticeTopicName(ENRICHMENT_STACK_NAME, tenantId)}`,
        now,
      });
      writeLedger(ledgerFile, updated);
      console.error(`sent: ${updated.notices.filter((n) => n.sent).length} notice(s) in total, ${updated.sentWarnings.length} warning(s) in total; ledger ${ledgerFile}`);
      break;
    }
    case 'override': {
      const { notice: id, by, reason } = values;
      if (!id || !by || !reason) throw new UsageError('override needs --notice, --by and --reason');
      if (!ledger.notices.some((n) => n.id === id)) throw new UsageError(`no notice ${id} in ${ledgerFile}`);
      const notices = ledger.notices.map((n) => (n.id === id ? { ...n, override: { by, reason, recordedAt: now.toISOString() } } : n));
      writeLedger(ledgerFile, { ...ledger, notices });
      console.error(`override recorded for ${id} by ${by}`);
      break;
    }
    case 'baseline': {
      checkChangeControl(register, ledger, now);
      writeLedger(ledgerFile, { ...ledger, baseline: { recordedAt: now.toISOString(), sourceCommit, facts: materialFacts(register), sectionHashes: sectionHashes(register) } });
      console.error(`baseline recorded in ${ledgerFile}`);
      break;
    }
  }
} catch (error) {
  endOnCliError(error, USAGE, [ChangeControlError]);
}

function parseOptions() {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        'effective-from': { type: 'string' },
        account: { type: 'string' },
        notice: { type: 'string' },
        by: { type: 'string' },
        reason: { type: 'string' },
        ledger: { type: 'string' },
        context: { type: 'string', short: 'c', multiple: true, default: [] },
      },
    });
    const command = positionals[0];
    if (positionals.length !== 1 || !['status', 'record', 'send', 'override', 'baseline'].includes(command!)) throw new UsageError('one command: status, record, send, override or baseline');
    return { command: command as 'status' | 'record' | 'send' | 'override' | 'baseline', values };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}
