import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { badRequest } from '../shared/http/http-error.js';
import { redactIps } from '../shared/logging/redact.js';
import { TENANT_ID_PATTERN } from '../shared/tenants/tenant-id.js';
import { isSiteId, SITE_ID_RULE } from '../visits/visit-input.js';

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
  readonly siteId: string | null;
  readonly type: RequestType;
  /** IP addresses already replaced. */
  readonly message: string;
  readonly contact: { readonly email: string; readonly name: string | null };
}

/**
 * Limits, stated the same way in lib/api/openapi.json (DataSubjectRequest). Lengths count characters
 * (code points), as JSON Schema's maxLength does.
 */
export const MAX_MESSAGE_LENGTH = 2000;
export const MAX_NAME_LENGTH = 200;
export const MAX_EMAIL_LENGTH = 254;
/** The longest message, name and address, every character escaped as `\uXXXX\uXXXX`, fit (the firewall holds the same limit). */
export const MAX_REQUEST_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/data-subject-requests'];
/**
 * A plain address: RFC 5322 atext local part, then at least two DNS labels, the last starting with a
 * letter. No quoted local parts, comments or address literals (`user@[192.0.2.1]` would carry an IP).
 */
export const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;
/** Control characters; a message may still contain tabs and line breaks. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are refused
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above, tabs and line breaks excepted
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const FIELDS = ['tenantId', 'siteId', 'type', 'message', 'contact'] as const;
const CONTACT_FIELDS = ['email', 'name'] as const;

/** Validates the body of POST /v1/data-subject-requests and removes IP addresses from the free text. */
export function dataSubjectRequestFrom(body: unknown): DataSubjectRequest {
  const fields = objectFields(body, FIELDS, 'The body must be a JSON object with tenantId, type, message, contact and optionally siteId.');
  for (const field of ['tenantId', 'type', 'message', 'contact'] as const) {
    if (fields[field] === undefined) throw badRequest('MISSING_FIELD', `"${field}" is required.`, { field });
  }
  const { tenantId, siteId, type, message } = fields;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw invalid('tenantId', 'the tenant id the website operator gave you: lower-case letters, digits and dashes');
  }
  if (siteId !== undefined && siteId !== null && !isSiteId(siteId)) throw invalid('siteId', SITE_ID_RULE);
  if (typeof type !== 'string' || !Object.hasOwn(REQUEST_TYPES, type)) throw invalid('type', `one of ${Object.keys(REQUEST_TYPES).join(', ')}`);
  if (!isText(message, MAX_MESSAGE_LENGTH, CONTROL_EXCEPT_LINE_BREAKS) || message.trim() === '') {
    throw invalid('message', `text of 1–${MAX_MESSAGE_LENGTH} characters (no control characters other than line breaks and tabs)`);
  }
  return {
    tenantId,
    siteId: siteId ?? null,
    type: type as RequestType,
    message: redactIps(message),
    contact: contactFrom(fields.contact),
  };
}

function contactFrom(value: unknown): DataSubjectRequest['contact'] {
  const contact = objectFields(value, CONTACT_FIELDS, '"contact" must be an object with email and optionally name.', 'contact.');
  if (contact.email === undefined) throw badRequest('MISSING_FIELD', '"contact.email" is required: the controller answers you there.', { field: 'contact.email' });
  const { email, name } = contact;
  if (typeof email !== 'string' || email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) {
    throw invalid('contact.email', `an e-mail address such as name@example.com (at most ${MAX_EMAIL_LENGTH} characters)`);
  }
  if (name !== undefined && name !== null && !(isText(name, MAX_NAME_LENGTH, CONTROL) && name.trim() !== '')) {
    throw invalid('contact.name', `text of 1–${MAX_NAME_LENGTH} characters on one line`);
  }
  return { email, name: typeof name === 'string' ? redactIps(name) : null };
}

function objectFields(value: unknown, allowed: readonly string[], shape: string, prefix = ''): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('INVALID_BODY', shape);
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).find((field) => !allowed.includes(field));
  if (unknown !== undefined) {
    // A field name is client text too, and may hold an address: never echoed as it is.
    const field = `${prefix}${redactIps(unknown).slice(0, 64)}`;
    throw badRequest('UNKNOWN_FIELD', `Unknown field "${field}". Allowed: ${allowed.map((name) => prefix + name).join(', ')}.`, { field });
  }
  return fields;
}

function isText(value: unknown, maxLength: number, forbidden: RegExp): value is string {
  return typeof value === 'string' && [...value].length <= maxLength && !forbidden.test(value);
}

const invalid = (field: string, rule: string) => badRequest('INVALID_FIELD', `"${field}" must be ${rule}.`, { field });
