import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { validBody } from '../shared/http/request-validation.js';
import { redactIps } from '../shared/logging/redact.js';

/** The data subject's rights (GDPR Art. 15–21) a request can invoke, with how the controller's notice names them. */
export const REQUEST_TYPES = {
  access: 'Access to personal data (GDPR Art. 15)',
  rectification: 'Rectification (GDPR Art. 16)',
  erasure: 'Erasure (GDPR Art. 17)',
  restriction: 'Restriction of processing (GDPR Art. 18)',
  portability: 'Data portability (GDPR Art. 20)',
  objection: 'Objection to processing (GDPR Art. 21)',
  other: 'Other request about personal data',
} as const;
export type RequestType = keyof typeof REQUEST_TYPES;

export interface DataSubjectRequest {
  readonly tenantId: string;
  /** IP addresses already replaced. */
  readonly siteId: string | null;
  readonly type: RequestType;
  /** IP addresses already replaced. */
  readonly message: string;
  readonly contact: { readonly email: string; readonly name: string | null };
}

/** The longest message, name and address, every character escaped as `\uXXXX\uXXXX`, fit (the firewall holds the same limit). */
export const MAX_REQUEST_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/data-subject-requests'];

interface DataSubjectRequestBody {
  readonly tenantId: string;
  readonly siteId?: string | null;
  readonly type: RequestType;
  readonly message: string;
  readonly contact: { readonly email: string; readonly name?: string | null };
}

/**
 * The body of POST /v1/data-subject-requests (schema DataSubjectRequest: lengths, patterns and the
 * request types), with IP addresses removed from the free text.
 */
export function dataSubjectRequestFrom(event: Parameters<typeof validBody>[0]): DataSubjectRequest {
  const { tenantId, siteId, type, message, contact } = validBody<DataSubjectRequestBody>(event, MAX_REQUEST_BODY_BYTES);
  return {
    tenantId,
    // A site id that is an address (it may be the sender's) is redacted like the free text.
    siteId: typeof siteId === 'string' ? redactIps(siteId) : null,
    type,
    message: redactIps(message),
    contact: { email: redactIps(contact.email), name: typeof contact.name === 'string' ? redactIps(contact.name) : null },
  };
}