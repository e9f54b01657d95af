import type { ControllerRegisterView } from './controller-register-view.js';
import { escapeHtml, htmlList, htmlPage, htmlSection, htmlTable } from './html.js';

/** Section ids of the HTML view, in order: the audit pack embeds the same sections. */
export const REGISTER_VIEW_SECTIONS = [
  'processor-and-controller',
  'processing',
  'transfers',
  'technical-measures',
  'organisational-measures',
  'sub-processors',
  'retention',
  'instruction-warnings',
] as const;

/** The sections of a controller's register view, as HTML. */
export function registerViewSections(view: ControllerRegisterView): string {
  const p = view.processor;
  return [
    htmlSection(
      'processor-and-controller',
      '1. Processor and controller — Art. 30(2)(a)',
      htmlTable(['', 'Name', 'Details'], [
        ['Processor', p.name, `${p.address}; ${p.registrationNumber}; operations: ${p.contacts.join(', ')}`],
        ['Data protection officer', p.dpo.name, p.dpo.email],
        ['Controller', view.controller.name, `tenant ${view.controller.tenantId}; contacts: ${view.controller.contacts.join(', ')}`],
      ]),
    ),
    htmlSection(
      'processing',
      '2. Processing on your behalf — Art. 30(2)(b)',
      `<h3>Purposes</h3>${htmlList(view.processing.purposes)}<h3>Data subjects</h3>` +
        htmlTable(['Category', 'Description'], view.processing.dataSubjects.map((s) => [s.category, s.description])) +
        '<h3>Personal data</h3>' +
        htmlTable(['Category', 'Description', 'Stored'], view.processing.personalData.map((c) => [c.category, c.description, c.stored ? 'yes' : 'no'])),
    ),
    htmlSection(
      'transfers',
      '3. Region and third-country transfers — Art. 30(2)(c)',
      `<p>Stored and processed only in ${escapeHtml(view.regions.join(', '))}.</p>` +
        htmlTable(['What', 'Recipient', 'Countries', 'Safeguard'], view.transfers.map((t) => [t.what, t.recipient, t.countries, t.safeguard])),
    ),
    htmlSection(
      'technical-measures',
      '4. Technical measures — Art. 30(2)(d), Art. 32(1)',
      htmlTable(['Measure', 'Art. 32(1)', 'What it does'], view.technicalMeasures.map((m) => [m.title, m.article32.map((x) => `(${x})`).join(' '), m.description])),
    ),
    htmlSection(
      'organisational-measures',
      '5. Organisational measures',
      htmlTable(['Area', 'Measure', 'Carried out by'], view.organisationalMeasures.map((m) => [m.area, m.measure, m.implementedBy])),
    ),
    htmlSection(
      'sub-processors',
      '6. Sub-processors',
      view.subProcessors
        .map((s) => `<p><strong>${escapeHtml(s.name)}</strong> — ${escapeHtml(s.role)}</p>` + htmlTable(['Service', 'Regions'], s.services.map((x) => [x.service, x.regions.join(', ')])))
        .join('\n'),
    ),
    htmlSection(
      'retention',
      '7. Retention per store',
      htmlTable(
        ['Store', 'Kind', 'Governed by', 'Limit', 'Retention', 'Within limit'],
        view.retention.map((r) => [r.store, r.kind, r.governedBy, `${r.limitDays} days`, r.retention, r.withinLimit ? 'yes' : 'NO']),
      ),
    ),
    htmlSection(
      'instruction-warnings',
      '8. Your instructions accepted with a warning (agreement 2.4)',
      view.instructionWarnings.length > 0 ? htmlList(view.instructionWarnings) : '<p>None.</p>',
    ),
  ].join('\n');
}

/** The register view as a readable page. */
export function renderRegisterViewHtml(view: ControllerRegisterView): string {
  const stamp = `<p>Generated ${escapeHtml(view.generatedAt)} from source commit ${escapeHtml(view.sourceCommit)}.</p>`;
  return htmlPage(`Record of processing activities for ${view.controller.name}`, `${stamp}\n${registerViewSections(view)}`);
}
