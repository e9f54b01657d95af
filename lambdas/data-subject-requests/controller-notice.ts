import { REQUEST_TYPES, type DataSubjectRequest } from './data-subject-request.js';

export interface ControllerNotice {
  /** ASCII on one line, under SNS's 100-character limit for e-mail subjects. */
  readonly subject: string;
  readonly body: string;
}

export interface ForwardedRequest {
  readonly reference: string;
  readonly receivedAt: Date;
  readonly request: DataSubjectRequest;
}

const RULE = '-'.repeat(72);

/**
 * The plain-text e-mail a controller's contacts receive: what was asked, when, by whom to answer,
 * the reference, and whose move it is. Everything the requester wrote is quoted as data between
 * rules, with IP addresses already removed; nothing about the submitter's connection is included.
 */
export function renderControllerNotice({ reference, receivedAt, request }: ForwardedRequest): ControllerNotice {
  const { contact } = request;
  const replyTo = contact.name === null ? contact.email : `${contact.name} <${contact.email}>`;
  const body = [
    'A visitor of your website has sent a data-subject request to us, your processor for IP-to-company enrichment.',
    'We forward it to you unchanged, except that IP addresses in it were replaced by [redacted-ip].',
    '',
    `Reference:     ${reference}`,
    `Received:      ${receivedAt.toISOString()} (UTC)`,
    `Tenant:        ${request.tenantId}`,
    `Website:       ${request.siteId ?? '(not stated)'}`,
    `Request type:  ${REQUEST_TYPES[request.type]}`,
    `Reply to:      ${replyTo}`,
    '',
    'Message from the requester:',
    RULE,
    request.message,
    RULE,
    '',
    'What happens now',
    '- You, the controller, decide on this request and answer the requester directly. The GDPR (Art. 12(3)) asks for an',
    '  answer without undue delay and within one month of receipt, extendable by two months for complex requests.',
    '  Check the requester\'s identity before you disclose or erase anything.',
    '- We have not acted on the request and keep no copy of it: this message is its only record. The sender\'s network',
    '  address was neither recorded nor forwarded.',
    '- If the request concerns visits recorded for an IP address, ask the requester for that address through your own',
    '  channel, then use your API key: POST /v1/visitor-data/search lists every visit stored for it, and',
    '  POST /v1/visitor-data/erase deletes them and answers with the count (the address goes in the request body).',
  ].join('\n');
  return { subject: `Data-subject request (${request.type}) ${reference}`, body };
}
