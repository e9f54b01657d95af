import { escapeHtml, htmlList, htmlPage, htmlSection, htmlTable } from '../../lambdas/shared/compliance/html.js';
import { registerViewSections } from '../../lambdas/shared/compliance/render-register-view.js';
import type { Access } from './access-review.js';
import type { AuditPack } from './audit-pack.js';

/** The sections of report.html, in order (test/compliance checks each one renders). */
export const AUDIT_PACK_SECTIONS = [
  'summary',
  'sources',
  'register-view',
  'template-checks',
  'tests',
  'log-file-validation',
  'accesses',
  'requests-and-erasures',
  'breaches',
  'offboarding',
] as const;

const status = (ok: boolean, text: string) => `<span class="${ok ? 'ok' : 'bad'}">${escapeHtml(text)}</span>`;

export function renderAuditPackHtml(pack: AuditPack): string {
  const account = 'unavailable' in pack.account ? undefined : pack.account;
  const unavailable = (what: string) => `<p class="bad">Not in this pack: ${escapeHtml(what)}</p>`;
  const notRead = 'unavailable' in pack.account ? pack.account.unavailable : '';
  const t = pack.templates;
  const sections = [
    htmlSection('summary', 'Summary', htmlTable(['Check', 'Result'], [
      ['Retention of every store within the configured limits', t.retention.violations.length === 0 ? 'passed' : `${t.retention.violations.length} violation(s)`],
      ['EU guard and cdk-nag: unacknowledged findings', String(t.checks.unacknowledged.length)],
      ['Tests of the deployed commit', 'unavailable' in pack.tests ? 'not provided' : `${pack.tests.passed} passed, ${pack.tests.failed} failed`],
      ['Audit-trail log-file validation', account ? (account.logFileValidation.problems.length === 0 ? 'passed' : `${account.logFileValidation.problems.length} problem(s)`) : 'not read'],
      ['Accesses by others than the service', account ? String(account.accesses.accessesByOthers.length) : 'not read'],
      ['Breach records naming you', account ? String(account.breaches.length) : 'not read'],
    ])),
    htmlSection('sources', 'Where each part comes from', htmlTable(['Part', 'Source'], [
      ['Register view, template checks', pack.sources.templates],
      ['Trail validation, accesses, counts, breach records', pack.sources.account],
      ['Tests', 'unavailable' in pack.tests ? pack.tests.unavailable : pack.tests.source],
    ])),
    htmlSection('register-view', 'Your register view (agreement 2.6)', registerViewSections(t.registerView)),
    htmlSection(
      'template-checks',
      'Retention and EU-only checks of the deployed templates',
      `<p>Stacks: ${escapeHtml(t.stacks.map((s) => `${s.name} (${s.region ?? 'no region'}, ${s.resources} resources)`).join(', '))}. ` +
        `Retention: ${status(t.retention.violations.length === 0, `${t.retention.storesChecked} stores checked, ${t.retention.violations.length} violation(s)`)}. ` +
        `Checks run: ${escapeHtml(t.checks.packs.join(', '))}: ${status(t.checks.unacknowledged.length === 0, `${t.checks.unacknowledged.length} unacknowledged finding(s)`)}.</p>` +
        (t.retention.violations.length > 0 ? htmlTable(['Store', 'Problem'], t.retention.violations.map((v) => [v.resource, v.problem])) : '') +
        (t.checks.unacknowledged.length > 0 ? htmlTable(['Pack', 'Rule', 'Resource'], t.checks.unacknowledged.map((f) => [f.pack, f.rule, f.resource])) : ''),
    ),
    htmlSection(
      'tests',
      'Test results of the deployed commit',
      'unavailable' in pack.tests ? unavailable(pack.tests.unavailable) : `<p>${status(pack.tests.failed === 0, `${pack.tests.passed} passed, ${pack.tests.failed} failed, ${pack.tests.skipped} skipped`)} (${escapeHtml(pack.tests.source)}).</p>`,
    ),
    htmlSection(
      'log-file-validation',
      'Audit trail: CloudTrail log-file validation for the quarter',
      account
        ? `<p>${account.logFileValidation.digests} digest file(s) listing ${account.logFileValidation.logFilesListed} log file(s), ${account.logFileValidation.logFilesFound} found; ` +
            `signatures ${account.logFileValidation.signaturesChecked ? 'verified with CloudTrail\'s public keys' : 'not checked (no public keys given)'}; ` +
            `${account.logFileValidation.logFilesNotInAnyDigest} log file(s) not yet in a digest of the quarter. ` +
            `${status(account.logFileValidation.problems.length === 0, account.logFileValidation.problems.length === 0 ? 'No file was changed or removed.' : 'Problems found:')}</p>` +
            htmlList(account.logFileValidation.problems)
        : unavailable(notRead),
    ),
    htmlSection(
      'accesses',
      'Accesses to your visits, the pseudonym key and the breach register by anyone but the service',
      account
        ? `<p>${account.accesses.eventsRead} trail events of the quarter read; ${account.accesses.accessesByOthers.length} access(es) by other principals.</p>` +
            accessChart(account.accesses.accessesByOthers, pack.quarter) +
            htmlTable(['Time', 'Principal', 'Action', 'Store', 'Outcome'], account.accesses.accessesByOthers.map((a) => [a.time, a.principal, a.action, a.store, a.denied ? 'denied' : 'allowed']))
        : unavailable(notRead),
    ),
    htmlSection(
      'requests-and-erasures',
      'Data-subject requests forwarded to you and erasures',
      account
        ? htmlTable(['What', 'Count'], [
            ['Requests forwarded to your request topic', String(account.accesses.forwardedRequests)],
            ['Erasures completed and confirmed to you (POST /v1/visitor-data/erase)', String(account.accesses.erasures)],
          ])
        : unavailable(notRead),
    ),
    htmlSection(
      'breaches',
      'Personal data breaches that concern you, with their hashes verified',
      account
        ? account.breaches.length === 0
          ? '<p>None recorded.</p>'
          : htmlTable(['Record', 'Detected', 'Recorded', 'Notified to you', 'SHA-256', 'Integrity'], account.breaches.map((b) => [b.recordId, b.detectedAt, b.storedAt, b.notifiedAt ?? 'not yet', b.sha256, b.intact ? 'intact' : 'ALTERED']))
        : unavailable(notRead),
    ),
    htmlSection(
      'offboarding',
      'Offboarding reports',
      pack.offboardingReports.length === 0
        ? '<p>None.</p>'
        : htmlTable(['Started', 'Finished', 'Dry run', 'Export', 'Deletion'], pack.offboardingReports.map((r) => [r.startedAt, r.finishedAt, r.dryRun ? 'yes' : 'no', r.export ? JSON.stringify(r.export) : '—', r.delete ? JSON.stringify(r.delete) : '—'])),
    ),
  ];
  const intro = `<p>Controller <strong>${escapeHtml(t.registerView.controller.name)}</strong> (tenant ${escapeHtml(pack.tenantId)}), quarter ${escapeHtml(pack.quarter.label)} (${escapeHtml(pack.quarter.start)} to ${escapeHtml(pack.quarter.end)}), generated ${escapeHtml(pack.generatedAt)}. report.json has the same content; MANIFEST.sha256 lists the SHA-256 of both.</p>`;
  return htmlPage(`Audit evidence pack ${pack.quarter.label} — ${t.registerView.controller.name}`, `${intro}\n${sections.join('\n')}`);
}

/** A bar per month of the quarter: accesses by others, for people who would rather look than read. */
function accessChart(accesses: readonly Access[], quarter: AuditPack['quarter']): string {
  const start = new Date(quarter.start);
  const months = [0, 1, 2].map((i) => new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1)).toISOString().slice(0, 7));
  const counts = months.map((month) => accesses.filter((a) => a.time.startsWith(month)).length);
  const max = Math.max(1, ...counts);
  const bars = counts
    .map((count, i) => {
      const height = Math.round((count / max) * 100);
      const x = 40 + i * 90;
      return `<rect x="${x}" y="${120 - height}" width="60" height="${height}" fill="#4a6fa5"><title>${months[i]}: ${count}</title></rect>` +
        `<text x="${x + 30}" y="138" text-anchor="middle" font-size="12">${months[i]}</text><text x="${x + 30}" y="${114 - height}" text-anchor="middle" font-size="12">${count}</text>`;
    })
    .join('');
  return `<figure><svg role="img" aria-label="Accesses by others per month" width="340" height="150" viewBox="0 0 340 150"><line x1="30" y1="120" x2="330" y2="120" stroke="#333"/>${bars}</svg><figcaption>Accesses by others per month</figcaption></figure>`;
}
