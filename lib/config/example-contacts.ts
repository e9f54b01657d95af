import { Annotations, type Stack } from 'aws-cdk-lib';
import type { AppConfig } from './app-config.js';

/** Domains reserved for documentation (RFC 2606, RFC 6761): no mailbox behind them. */
const RESERVED_DOMAIN = /(^|\.)(example|example\.com|example\.net|example\.org|invalid|test|localhost)$/i;

/** Every configured address that cannot receive mail, with the setting it comes from. */
export function exampleContacts(config: AppConfig): string[] {
  const addresses: Array<[setting: string, email: string]> = [
    ['processor.dpo.email', config.processor.dpo.email],
    ...config.operationsEmails.map((email): [string, string] => ['operationsEmails', email]),
    ...config.tenants.flatMap((tenant) => tenant.contactEmails.map((email): [string, string] => [`tenants.${tenant.id}.contactEmails`, email])),
  ];
  return addresses.filter(([, email]) => RESERVED_DOMAIN.test(email.slice(email.lastIndexOf('@') + 1))).map(([setting, email]) => `${setting}: ${email}`);
}

/**
 * cdk.json ships demo values so that `cdk synth` works out of the box. A deployment with them would
 * publish a register naming a fictitious DPO and send breach notices and change notices nowhere:
 * the synth says so, on every run, until they are replaced.
 */
export function warnOfExampleContacts(stack: Stack, config: AppConfig): void {
  const found = exampleContacts(config);
  if (found.length === 0) return;
  Annotations.of(stack).addWarningV2(
    'eu-enrichment:example-contacts',
    `Demo values: these addresses are in reserved example domains and reach nobody; replace them (and the processor identity) before deploying: ${found.join('; ')}`,
  );
}
