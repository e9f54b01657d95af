import type { ControllerNotice } from '../data-subject-requests/controller-notice.js';

const SNS_SUBJECT_LIMIT = 100;

export interface CompletedErasure {
  readonly tenantId: string;
  /** The controller's reference (its pattern admits no spaces, addresses or markup). */
  readonly requestReference: string;
  readonly erasedAt: Date;
  /** Visits the completing call deleted (earlier calls of the same request answered `complete: false`). */
  readonly deleted: number;
}

/**
 * The written confirmation a controller's contacts receive when an erasure call has left no visit of
 * the address: what was done, when, under which reference. It names neither the address nor its
 * pseudonym. It is also the processor's record of the erasure: the audit trail records each
 * publication to the controller's request topic, and the quarterly audit pack counts them.
 */
export function renderErasureConfirmation({ tenantId, requestReference, erasedAt, deleted }: CompletedErasure): ControllerNotice {
  const body = [
    'Your processor for IP-to-company enrichment has carried out an erasure you requested with your data-subject-rights key',
    '(POST /v1/visitor-data/erase).',
    '',
    `Reference:      ${requestReference}`,
    `Completed:      ${erasedAt.toISOString()} (UTC)`,
    `Tenant:         ${tenantId}`,
    `Visits deleted: ${deleted} by the completing call${deleted === 0 ? ' (none were left: earlier calls or expiry had removed them)' : ''}`,
    '',
    'No visit recorded for that IP address remains in your visit data. Neither the address nor its pseudonym is kept in',
    'any record of this erasure, including this message. Copies in the table\'s point-in-time recovery backups age out',
    'within the retention period you configured.',
    '',
    'If you did not make this request, your data-subject-rights key may be in other hands: tell us, and rotate the key.',
  ].join('\n');
  const subject = `Erasure completed ${requestReference}`;
  return { subject: subject.length <= SNS_SUBJECT_LIMIT ? subject : 'Erasure completed', body };
}
