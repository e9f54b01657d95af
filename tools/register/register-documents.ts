import type { App } from 'aws-cdk-lib';
import type { AppConfig } from '../../lib/config/app-config.js';
import { synthesizeStackTemplates, type StackTemplate } from '../../lib/retention/stack-templates.js';
import { buildRegister, type RegisterInput } from './build-register.js';
import { renderRegisterMarkdown } from './render-markdown.js';

/** File name → content: what `npm run register` writes and what RegisterPublication uploads. */
export interface RegisterDocuments {
  readonly 'register.json': string;
  readonly 'register.md': string;
}

export function registerDocuments(input: RegisterInput): RegisterDocuments {
  const register = buildRegister(input);
  return {
    'register.json': `${JSON.stringify(register, null, 2)}\n`,
    'register.md': renderRegisterMarkdown(register),
  };
}

/** Synthesizes a composed app and builds its register documents. */
export function registerDocumentsOfApp(
  app: App,
  config: AppConfig,
  options: Omit<RegisterInput, 'config' | 'stacks'> = {},
): RegisterDocuments & { readonly stacks: readonly StackTemplate[] } {
  const stacks = synthesizeStackTemplates(app);
  return { ...registerDocuments({ config, stacks, ...options }), stacks };
}
