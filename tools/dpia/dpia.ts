import type { Register, SecurityMeasureId } from '../register/register-model.js';

export type Level = 'low' | 'medium' | 'high';

export interface DpiaRisk {
  readonly risk: string;
  readonly likelihood: Level;
  readonly severity: Level;
  /** Measures against it: each deployed measure named by the register, or a stated one. */
  readonly measures: ReadonlyArray<{ readonly measure: string; readonly status: 'deployed' | 'stated' | 'controller' }>;
  readonly residual: Level;
}

/** The processor's contribution to a controller's DPIA (agreement 2.5, GDPR Art. 35(7), 28(3)(f)). */
export interface DpiaInput {
  readonly schema: 'eu-ip-enrichment/dpia-input/v1';
  readonly controller: { readonly tenantId: string; readonly name: string };
  readonly processor: Register['processor'];
  readonly generatedAt: string;
  readonly sourceCommit: string;
  readonly description: {
    readonly purposes: readonly string[];
    readonly dataSubjects: readonly string[];
    readonly personalData: ReadonlyArray<{ readonly category: string; readonly stored: boolean }>;
    readonly operations: readonly string[];
    readonly regions: readonly string[];
    readonly retention: readonly string[];
    readonly recipients: readonly string[];
  };
  readonly necessityAndProportionality: readonly string[];
  readonly risks: readonly DpiaRisk[];
}

/**
 * Builds the DPIA input from the register, so it says what is deployed: a measure marked "deployed"
 * is one the register found in the templates; a measure the templates cannot show is "stated".
 */
export function buildDpiaInput(register: Register, tenantId: string): DpiaInput {
  const controller = register.controllers.find((c) => c.tenantId === tenantId);
  if (!controller) throw new Error(`no controller ${tenantId} in the register`);
  const deployed = new Map(register.securityMeasures.map((m) => [m.id, m.title]));
  const measure = (id: SecurityMeasureId, fallback: string) =>
    deployed.has(id) ? { measure: deployed.get(id)!, status: 'deployed' as const } : { measure: `${fallback} (not found in the templates)`, status: 'stated' as const };
  const stated = (text: string) => ({ measure: text, status: 'stated' as const });
  const byController = (text: string) => ({ measure: text, status: 'controller' as const });
  const personalData = register.retention.find((r) => r.basis === 'personal-data');
  return {
    schema: 'eu-ip-enrichment/dpia-input/v1',
    controller: { tenantId, name: controller.name },
    processor: register.processor,
    generatedAt: register.generatedAt,
    sourceCommit: register.generatedFrom.sourceCommit,
    description: {
      purposes: register.processing.purposes,
      dataSubjects: register.processing.dataSubjects.map((s) => `${s.category}: ${s.description}`),
      personalData: register.processing.personalData.map((c) => ({ category: c.category, stored: c.storedAs.length > 0 })),
      operations: register.processing.operations.map((op) => `${op.description}${op.routes.length ? ` (${op.routes.join(', ')})` : ''}`),
      regions: register.transfers.regions,
      retention: [
        `Personal data (visits, logs holding request context): ${personalData ? `${personalData.limitDays} days` : 'see the register'}.`,
        `Audit trail: ${String(register.generatedFrom.configuration.auditLogRetentionDays)} days; breach records: ${String(register.generatedFrom.configuration.breachRecordRetentionYears)} years (legal record).`,
      ],
      recipients: register.recipients.filter((r) => !r.recipient.includes('(controller, tenant') || r.recipient.includes(`tenant ${tenantId})`)).map((r) => `${r.recipient}: ${r.receives}`),
    },
    necessityAndProportionality: [
      'Data minimisation: the visitor IP address is used in memory only; what is stored is a keyed pseudonym, the organisation (network widened to at least /24 or /48) and the visit context.',
      'Only visits from organisations (business, education, government networks) are stored; visits from residential, mobile, hosting or anonymous networks are looked up in memory and dropped (instructions to store them are refused at synth).',
      `Storage limitation: every store expires within its configured limit (checked at every synth; visits by DynamoDB TTL${personalData ? ` after ${personalData.limitDays} days` : ''}).`,
      'Purpose limitation: the data is available to the controller that sent it only, through its own API key.',
      `Processing location: ${register.transfers.regions.join(', ')} only; transfers that remain possible are listed with their safeguards (register section 3).`,
      "Data subjects' rights: access and erasure by pseudonym through the controller's API; requests sent to the processor are forwarded to the controller.",
    ],
    risks: [
      {
        risk: 'Re-identification of a visitor from the stored visits: a small organisation or a sole trader behind the network, combined with page and time',
        likelihood: 'medium',
        severity: 'medium',
        measures: [measure('pseudonymisation', 'Keyed pseudonym instead of the IP address'), stated('Networks widened to at least /24 (IPv4) or /48 (IPv6)'), measure('retention-enforced', 'Retention enforced per store'), byController('Do not combine visits with other identifying data without a legal basis')],
        residual: 'low',
      },
      {
        risk: 'Re-identification by reversing pseudonyms: whoever holds the HMAC key can hash every IPv4 address',
        likelihood: 'low',
        severity: 'high',
        measures: [measure('encryption-at-rest-customer-managed-key', 'Key encrypted with a customer-managed KMS key'), measure('scoped-function-permissions', 'Only the visits and visitor-data functions may read the key'), measure('audit-trail', 'Every read of the key is in the audit trail'), stated('Each quarterly audit pack lists every access to the key by anyone but the service')],
        residual: 'low',
      },
      {
        risk: 'Access by US authorities under the CLOUD Act or FISA 702 through the sub-processor\'s US parent',
        likelihood: 'low',
        severity: 'high',
        measures: [measure('customer-managed-keys-with-rotation', 'Customer-managed keys; their use is logged'), stated('Standard Contractual Clauses in the AWS Data Processing Addendum; AWS commits to challenge and notify'), stated('Only pseudonymised data at rest: no IP address, no name'), byController('Weigh the exposure in a transfer impact assessment')],
        residual: 'medium',
      },
      {
        risk: "One controller reaching another controller's visits",
        likelihood: 'low',
        severity: 'high',
        measures: [measure('api-keys-and-usage-plans', 'Per-controller API keys'), stated('Tenant id from the API key starts every data key; tenant isolation is attacked by the test suite')],
        residual: 'low',
      },
      {
        risk: 'Personal data kept longer than needed (in tables, logs, backups or evidence)',
        likelihood: 'low',
        severity: 'medium',
        measures: [measure('retention-enforced', 'Retention enforced per store'), stated('Controller instructions longer than the purpose needs are refused or warned at synth')],
        residual: 'low',
      },
      {
        risk: "A data-subject request's content (requester's name, e-mail, message) read in transit or in a mailbox outside the EU",
        likelihood: 'medium',
        severity: 'medium',
        measures: [measure('tls-only-resource-policies', 'TLS-only topics'), stated('IP addresses in the message are replaced before forwarding; nothing is stored by the processor'), byController("Choose the contact mailboxes' provider and location")],
        residual: 'medium',
      },
      {
        risk: 'Alteration or loss of the evidence of processing (audit trail, breach records, the register)',
        likelihood: 'low',
        severity: 'medium',
        measures: [measure('object-lock', 'Write-once records'), measure('audit-trail', 'Log-file validation'), stated('The published register is kept for the life of the processing')],
        residual: 'low',
      },
    ],
  };
}

export function renderDpiaMarkdown(dpia: DpiaInput): string {
  const row = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [
    `# DPIA input from the processor for ${dpia.controller.name}`,
    '',
    `Processor: ${dpia.processor.name}, DPO ${dpia.processor.dpo.name} <${dpia.processor.dpo.email}>. Generated ${dpia.generatedAt} from source commit ${dpia.sourceCommit}, from the same model as the Art. 30 register (agreement 2.5). The assessment itself is the controller's (Art. 35).`,
    '',
    '## 1. Systematic description of the processing',
    '',
    '### Purposes', '', ...dpia.description.purposes.map((p) => `- ${p}`), '',
    '### Data subjects', '', ...dpia.description.dataSubjects.map((p) => `- ${p}`), '',
    '### Personal data', '', ...dpia.description.personalData.map((p) => `- ${p.category}${p.stored ? ' (stored)' : ' (not stored)'}`), '',
    '### Operations', '', ...dpia.description.operations.map((p) => `- ${p}`), '',
    `### Location and retention`, '', `- Regions: ${dpia.description.regions.join(', ')}`, ...dpia.description.retention.map((p) => `- ${p}`), '',
    '### Recipients', '', ...dpia.description.recipients.map((p) => `- ${p}`), '',
    '## 2. Necessity and proportionality', '', ...dpia.necessityAndProportionality.map((p) => `- ${p}`), '',
    '## 3. Risks to data subjects and the measures against them', '',
    row(['Risk', 'Likelihood', 'Severity', 'Measures', 'Residual']),
    row(['---', '---', '---', '---', '---']),
    ...dpia.risks.map((r) => row([r.risk, r.likelihood, r.severity, r.measures.map((m) => `${m.measure} [${m.status}]`).join('; '), r.residual])),
    '',
    'Measure status: deployed = found in the deployed templates by the register; stated = a process or fact the templates cannot show; controller = for the controller to do.',
    '',
  ].join('\n');
}
