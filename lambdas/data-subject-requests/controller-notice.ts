import { REQUEST_TYPES, type DataSubjectRequest } from './data-subject-request.js';
import { inertLine, quotedText } from './quoted-text.js';

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

const BEGIN = '=== BEGIN QUOTED TEXT FROM THE REQUESTER (unverified; every line starts with "> ") ===';
const END = '=== END QUOTED TEXT FROM THE REQUESTER ===';

/**
 * The plain-text e-mail a controller's contacts receive: what was asked, when, by whom to answer,
 * the reference, and whose move it is. Everything the requester wrote is quoted as data: each line of
 * the message starts with "> " between markers the requester cannot produce, links are defanged, lines
 * of symbols and layout characters (Unicode separators, bidi controls) are neutralised, and the
 * requester's fields (name, e-mail, website) are single inert lines. IP addresses were removed
 * already; nothing about the submitter's connection is included.
 */
export function renderControllerNotice({ reference, receivedAt, request }: ForwardedRequest): ControllerNotice {
  const { contact } = request;
  const replyTo = inertLine(contact.name === null ? contact.email : `${contact.name} <${contact.email}>`);
  const body = [
    'A visitor of your website has sent a data-subject request to us, your processor for IP-to-company enrichment.',
    'Its text is quoted below as the requester wrote it, except that IP addresses were replaced by [redacted-ip],',
    'links were made unclickable (hxxps[:]//example[.]com) and lines of symbols and layout characters were removed.',
    'Nothing between the markers comes from us.',
    '',
    `Reference:     ${reference}`,
    `Received:      ${receivedAt.toISOString()} (UTC)`,
    `Tenant:        ${request.tenantId}`,
    `Website:       ${request.siteId === null ? '(not stated)' : inertLine(request.siteId)}`,
    `Request type:  ${REQUEST_TYPES[request.type]}`,
    `Reply to:      ${replyTo}`,
    '',
    'Message from the requester:',
    BEGIN,
    quotedText(request.message),
    END,
    '',
    'What happens now',
    '- You, the controller, decide on this request and answer the requester directly. The GDPR (Art. 12(3)) asks for an',
    '  answer without undue delay and within one month of receipt, extendable by two months for complex requests.',
    '  Check the requester\'s identity before you disclose or erase anything.',
    '- We have not acted on the request and keep no copy of it: this message is its only record. The sender\'s network',
    '  address was neither recorded nor forwarded.',
    '- If the request concerns visits recorded for an IP address, ask the requester for that address through your own',
    '  channel, then use your data-subject-rights key (not the integration key): POST /v1/visitor-data/search lists',
    '  every visit stored for it, POST /v1/visitor-data/erase deletes them; name this reference as requestReference.',
  ].join('\n');
  return { subject: `Data-subject request (${request.type}) ${reference}`, body };
}
