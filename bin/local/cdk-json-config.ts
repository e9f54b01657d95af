import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../../lib/config/app-config.js';
import { loadConfig } from '../../lib/config/load-config.js';

/**
 * The deployment configuration as `cdk synth` sees it without -c overrides: cdk.json's context,
 * validated by the same loadConfig, so the local run serves the same tenants and retention. A missing
 * processor identity falls back to demo values here only: the local run deploys and publishes nothing.
 */
export function cdkJsonConfig(repoRoot: string): AppConfig {
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const context = cdkJson.context ?? {};
  return loadConfig({ tryGetContext: (key) => context[key] }, process.env, 'local');
}
