import { redactIps } from '../shared/logging/redact.js';
import type { StoredRecord } from './breach-record.js';
import type { CategoriesAndCount } from './report-schema.js';

export interface BreachNotice {
  /** ASCII and under 100 characters: what SNS accepts as an e-mail subject. */
  readonly subject: string;
  readonly body: string;
}

/**
 * The plain-text e-mail a controller receives: every Art. 33(3) item under its own heading, the
 * record id to quote in any follow-up, and how the record is protected. It names only the receiving
 * controller (other affected controllers are not disclosed), and IP addresses are scrubbed again
 * here in case a record predates the scrubbing on intake.
 */
export function renderBreachNotice({ record, sha256 }: StoredRecord, tenantId: string): BreachNotice {
  const { report } = record;
  const withdrawn = record.status === 'withdrawn';
  const subject = withdrawn
    ? `Withdrawal of personal data breach notice ${record.updateOf}`
    : record.updateOf
      ? `Update to personal data breach notice ${record.recordId}`
      : `Personal data breach notice ${record.recordId}`;
  const list = (items: readonly string[]) => (items.length === 0 ? ['    (none)'] : items.map((item) => `    - ${item}`));
  const lines = [
    withdrawn
      ? `WITHDRAWAL: the incident first notified as ${record.updateOf} turned out NOT to be a personal data breach.`
      : record.updateOf
        ? `UPDATE (GDPR Art. 33(4)) to the personal data breach first notified as ${record.updateOf}.`
        : 'Notification of a personal data breach by your processor (GDPR Art. 28(3)(f) and Art. 33(2)).',
    ...(withdrawn ? ['', 'WHY IT IS WITHDRAWN', indent(report.withdrawnBecause ?? '')] : []),
    '',
    `Controller (tenant): ${tenantId}`,
    `Breach record:       ${record.recordId}`,
    ...(record.updateOf ? [`Update of record:    ${record.updateOf}`] : []),
    `Report id:           ${report.reportId}`,
    '',
    'TIMELINE (UTC)',
    `  Occurred: ${report.occurredAt}`,
    `  Detected: ${report.detectedAt}`,
    `  Reported: ${report.reportedAt}`,
    '',
    '1. NATURE OF THE BREACH (Art. 33(3)(a))',
    indent(report.nature),
    '  Categories of data subjects concerned:',
    ...list(report.dataSubjects.categories),
    `  Approximate number of data subjects: ${approximately(report.dataSubjects)}`,
    '  Categories of personal data records concerned:',
    ...list(report.records.categories),
    `  Approximate number of personal data records: ${approximately(report.records)}`,
    '',
    '2. CONTACT POINT FOR MORE INFORMATION (Art. 33(3)(b))',
    `  Name:   ${report.contact.name}`,
    `  E-mail: ${report.contact.email}`,
    ...(report.contact.phone ? [`  Phone:  ${report.contact.phone}`] : []),
    '',
    '3. LIKELY CONSEQUENCES (Art. 33(3)(c))',
    indent(report.likelyConsequences),
    '',
    '4. MEASURES TAKEN OR PROPOSED (Art. 33(3)(d))',
    '  Taken:',
    ...list(report.measures.taken),
    '  Proposed:',
    ...list(report.measures.proposed),
    '  To mitigate possible adverse effects:',
    indent(report.measures.mitigation, 4),
    '',
    'RECORD (Art. 33(5))',
    `  Stored in our breach register as ${record.recordId} on ${record.storedAt},`,
    `  under S3 Object Lock in compliance mode until ${record.retainUntil}: until then it cannot be`,
    '  altered or deleted, not even by our administrators.',
    `  SHA-256 of the stored record: ${sha256}`,
    '',
    'Please quote the breach record id in any reply. Information not yet available will follow as an',
    'update that refers to this record (Art. 33(4)).',
  ];
  return { subject, body: redactIps(lines.join('\n')) };
}

/** The number, or that it is not known yet and why (it follows in an update, Art. 33(4)). */
function approximately({ approximateNumber, notYetKnownBecause }: CategoriesAndCount): string {
  return approximateNumber !== undefined ? String(approximateNumber) : `not yet known (${notYetKnownBecause ?? 'no reason given'}); it will follow in an update`;
}

function indent(text: string, spaces = 2): string {
  const margin = ' '.repeat(spaces);
  return text
    .split(/\r?\n/)
    .map((line) => `${margin}${line}`)
    .join('\n');
}
