import type { Register, RegisterResource } from './register-model.js';

/** The Art. 30(2) points, as the Markdown headings a DPO or supervisory authority looks for. */
export const ARTICLE_30_HEADINGS = {
  a: '## 1. Processor and controllers — Art. 30(2)(a)',
  b: '## 2. Categories of processing carried out on behalf of each controller — Art. 30(2)(b)',
  c: '## 3. Transfers of personal data to a third country — Art. 30(2)(c)',
  d: '## 4. Technical and organisational security measures — Art. 30(2)(d), Art. 32(1)',
} as const;

/** register.md: the same content as register.json, for people. */
export function renderRegisterMarkdown(register: Register): string {
  const lines: string[] = [
    '# Record of processing activities (GDPR Art. 30(2))',
    '',
    `Generated ${register.generatedAt} by ${register.generatedFrom.toolVersion} from source commit ${register.generatedFrom.sourceCommit}, the deployment configuration and the synthesized ` +
      `CloudFormation templates of ${register.generatedFrom.stacks.map((s) => `${s.name} (${s.region}, ${s.resourceCount} resources)`).join(', ')}. ` +
      'Do not edit: regenerate with `npm run register`.',
    '',
    ARTICLE_30_HEADINGS.a,
    '',
    `**Processor:** ${register.processor.name}, ${register.processor.address}; ${register.processor.registrationNumber}`,
    '',
    `**Data protection officer:** ${register.processor.dpo.name} <${register.processor.dpo.email}>`,
    '',
    `**Operations contact:** ${register.processor.contacts.join(', ') || 'none configured'}`,
    '',
    table(
      ['Controller', 'Tenant id', 'Contact (DPO)'],
      register.controllers.map((c) => [c.name, c.tenantId, c.contacts.join(', ')]),
    ),
    '',
    ARTICLE_30_HEADINGS.b,
    '',
    'The same processing is carried out for every controller listed above, each on its own data only.',
    '',
    '### Purposes',
    '',
    ...register.processing.purposes.map((p) => `- ${p}`),
    '',
    '### Categories of data subjects',
    '',
    ...register.processing.dataSubjects.map((s) => `- **${s.category}:** ${s.description}`),
    '',
    '### Categories of personal data',
    '',
    table(
      ['Category', 'Description', 'Stored as'],
      register.processing.personalData.map((c) => [c.category, c.description, c.storedAs.join('; ') || 'not stored']),
    ),
    '',
    '### Processing operations',
    '',
    table(
      ['Function', 'Purpose', 'Routes', 'May access'],
      register.processing.operations.map((op) => [
        name(op.function),
        op.description,
        op.routes.join(', ') || '—',
        op.access.map((a) => `${a.actions.join(', ')}${a.resources.length ? ` on ${a.resources.map(name).join(', ')}` : ''}`).join('; '),
      ]),
    ),
    '',
    ARTICLE_30_HEADINGS.c,
    '',
    `Data is stored and processed only in ${register.transfers.regions.join(', ')} (EU). Transfers and third-country access that remain possible:`,
    '',
    table(
      ['What', 'Recipient', 'Countries', 'Safeguard'],
      register.transfers.thirdCountryTransfers.map((t) => [t.what, t.recipient, t.countries, t.safeguard]),
    ),
    '',
    'Why nothing is stored or processed outside the EU:',
    '',
    ...register.transfers.safeguards.map((s) => `- ${s}`),
    '',
    ARTICLE_30_HEADINGS.d,
    '',
    '### Technical measures (deployed)',
    '',
    table(
      ['Measure', 'Art. 32(1)', 'What it does', 'Implemented by'],
      register.securityMeasures.map((m) => [m.title, m.article32.map((p) => `(${p})`).join(' '), m.description, m.evidence.map(name).join(', ')]),
    ),
    '',
    '### Organisational measures',
    '',
    table(['Area', 'Measure', 'Carried out by'], register.organisationalMeasures.map((m) => [m.area, m.measure, m.implementedBy])),
    '',
    '## 5. Recipients and sub-processors',
    '',
    ...register.recipients.map((r) => `- **${r.recipient}:** ${r.receives}`),
    '',
    ...register.subProcessors.flatMap((sub) => [
      `**${sub.name}** — ${sub.role}`,
      '',
      table(['Service', 'Region', 'Resource types'], sub.services.map((s) => [s.service, s.regions.join(', '), s.resourceTypes.join(', ')])),
      '',
    ]),
    '## 6. Time limits for erasure, per store',
    '',
    table(
      ['Store', 'Kind', 'Governed by', 'Limit', 'Retention', 'Within limit'],
      register.retention.map((r) => [name(r.resource), r.store, `${r.basis}: ${r.basisReason}`, `${r.limitDays} days`, r.retention, r.withinLimit ? 'yes' : '**NO**']),
    ),
    '',
  ];
  return lines.join('\n');
}

function name(resource: RegisterResource): string {
  return `\`${resource.path ?? `${resource.stack}/${resource.logicalId}`}\``;
}

function table(header: string[], rows: string[][]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');
}
