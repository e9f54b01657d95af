import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../infra/test-app.js';

/**
 * The web ACL's log (blocked requests only) is the one log the functions do not write, so the
 * no-ip-in-logs test cannot drive it: this holds its configuration to the same rule. Each request
 * part named here carries an address or a secret in ordinary traffic (the path of /v1/enrich/{ip},
 * a query parameter, a proxy's forwarding header, a referring page, the tenant's key) and must be
 * redacted. The client IP of a blocked request stays, by design: it is what identifies the attacker,
 * kept only for the data retention (test/retention).
 */
const HEADERS_CARRYING_ADDRESSES_OR_SECRETS = ['x-api-key', 'x-forwarded-for', 'forwarded', 'x-real-ip', 'true-client-ip', 'cf-connecting-ip', 'referer'];

let logging: Record<string, any>;

beforeAll(() => {
  const { enrichment } = buildTestApp({ 'aws:cdk:bundling-stacks': [] });
  const configs = Object.values(Template.fromStack(enrichment).findResources('AWS::WAFv2::LoggingConfiguration'));
  expect(configs).toHaveLength(1);
  logging = configs[0]!.Properties;
});

describe('no IP address or API key in the WAF log', () => {
  it('redacts the URI path, which holds the address looked up by GET /v1/enrich/{ip}', () => {
    expect(logging.RedactedFields).toContainEqual({ UriPath: {} });
  });

  it('redacts the query string', () => {
    expect(logging.RedactedFields).toContainEqual({ QueryString: {} });
  });

  it.each(HEADERS_CARRYING_ADDRESSES_OR_SECRETS)('redacts the %s header', (name) => {
    const redactedHeaders = (logging.RedactedFields as Array<{ SingleHeader?: { Name: string } }>)
      .map((field) => field.SingleHeader?.Name.toLowerCase())
      .filter((header) => header !== undefined);
    expect(redactedHeaders).toContain(name);
  });

  it('logs blocked requests only', () => {
    expect(logging.LoggingFilter).toEqual({
      DefaultBehavior: 'DROP',
      Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
    });
  });
});
