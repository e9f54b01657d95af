#!/usr/bin/env node
// The CDK app: `npx cdk synth` / `npx cdk deploy`. Configuration comes from cdk.json context and -c overrides.
import { App } from 'aws-cdk-lib';
import { composeAppPublishingRegister } from '../lib/app.js';
import { ChangeControlError } from '../lib/compliance/change-control.js';
import { InstructionConflictError } from '../lib/compliance/instruction-review.js';
import { ConfigError, loadConfig } from '../lib/config/load-config.js';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';

const app = new App();
try {
  const config = loadConfig(app.node);
  const databasePath = config.mmdbPath ?? (await ensureDefaultDatabase());
  composeAppPublishingRegister(app, config, databasePath);
} catch (error) {
  if (error instanceof ConfigError || error instanceof InstructionConflictError || error instanceof ChangeControlError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
