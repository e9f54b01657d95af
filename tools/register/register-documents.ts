import type { App } from 'aws-cdk-lib';
import { controllerViewKey } from '../../lambdas/shared/compliance/controller-register-view.js';
import { renderRegisterViewHtml } from '../../lambdas/shared/compliance/render-register-view.js';
import type { AppConfig } from '../../lib/config/app-config.js';
import { reviewInstructions } from '../../lib/compliance/instruction-review.js';
import { synthesizeStackTemplates, type StackTemplate } from '../../lib/retention/stack-templates.js';
import { buildRegister, type RegisterInput } from './build-register.js';
import { controllerView } from './controller-view.js';
import type { Register } from './register-model.js';
import { renderRegisterMarkdown } from './render-markdown.js';

/**
 * File name (relative to the register prefix) → content: what `npm run register` writes and what
 * RegisterPublication uploads. `register.json`/`register.md` are the whole register (operator and
 * supervisory authority); `controllers/<tenantId>/register.{json,html}` is each controller's view.
 */
export type RegisterDocuments = Readonly<Record<string, string>>;

export interface BuiltRegister {
  readonly register: Register;
  readonly documents: RegisterDocuments;
}

export function registerDocuments(input: RegisterInput): BuiltRegister {
  const register = buildRegister(input);
  const { warnings } = reviewInstructions(input.config);
  const documents: Record<string, string> = {
    'register.json': `${JSON.stringify(register, null, 2)}\n`,
    'register.md': renderRegisterMarkdown(register),
  };
  for (const { tenantId } of register.controllers) {
    const view = controllerView(register, tenantId, warnings);
    const jsonKey = controllerViewKey(tenantId);
    documents[jsonKey] = `${JSON.stringify(view, null, 2)}\n`;
    documents[jsonKey.replace(/\.json$/, '.html')] = renderRegisterViewHtml(view);
  }
  return { register, documents };
}

/** Synthesizes a composed app and builds its register documents. */
export function registerDocumentsOfApp(
  app: App,
  config: AppConfig,
  options: Omit<RegisterInput, 'config' | 'stacks'>,
): BuiltRegister & { readonly stacks: readonly StackTemplate[] } {
  const stacks = synthesizeStackTemplates(app);
  return { ...registerDocuments({ config, stacks, ...options }), stacks };
}
