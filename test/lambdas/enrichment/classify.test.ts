import { describe, expect, it } from 'vitest';
import { CLASSIFICATIONS, classify } from '../../../lambdas/shared/enrichment/classify.js';
import { createEnricher } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { recordFields } from '../../../lambdas/shared/enrichment/record-fields.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { testDatabase } from '../../support/maxmind-test-data.js';

/** Classification of a flat (ISP/ASN/Connection-Type-style) record. */
const of = (record: Record<string, unknown>) => classify(recordFields(record));
/** Classification of a GeoIP2 Enterprise-style record. */
const ofTraits = (traits: Record<string, unknown>) => classify(recordFields({ traits }));

describe('classification rules, in order of precedence', () => {
  it('1. anonymiser flags win over everything else', () => {
    for (const flag of ['is_anonymous', 'is_anonymous_proxy', 'is_anonymous_vpn', 'is_public_proxy', 'is_residential_proxy', 'is_tor_exit_node']) {
      expect(ofTraits({ [flag]: true, user_type: 'business', connection_type: 'Corporate' }), flag).toBe('anonymous');
      expect(of({ [flag]: true }), `${flag} (Anonymous-IP database)`).toBe('anonymous');
    }
    expect(ofTraits({ is_anonymous: false, user_type: 'business' })).toBe('business');
  });

  it.each([
    ['business', 'business'],
    ['government', 'government'],
    ['military', 'government'],
    ['college', 'education'],
    ['school', 'education'],
    ['cellular', 'mobile'],
    ['residential', 'residential'],
    ['dialup', 'residential'],
    ['hosting', 'hosting'],
    ['content_delivery_network', 'hosting'],
    ['search_engine_spider', 'hosting'],
    ['router', 'isp'],
    ['cafe', 'anonymous'],
    ['library', 'anonymous'],
    ['traveler', 'anonymous'],
    ['consumer_privacy_network', 'anonymous'],
  ])('2. user_type %s → %s (over a corporate proxy and the connection type)', (userType, expected) => {
    expect(ofTraits({ user_type: userType, is_legitimate_proxy: true, connection_type: 'Corporate' })).toBe(expected);
  });

  it('3. a corporate proxy is a business; 4. a hosting provider is hosting', () => {
    expect(ofTraits({ is_legitimate_proxy: true, connection_type: 'Cable/DSL' })).toBe('business');
    expect(of({ is_hosting_provider: true, connection_type: 'Corporate' })).toBe('hosting');
  });

  it.each([
    ['Corporate', 'business'],
    ['Cellular', 'mobile'],
    ['Cable/DSL', 'residential'],
    ['Dialup', 'residential'],
    ['Satellite', 'isp'],
  ])('5. connection_type %s → %s (over names)', (connectionType, expected) => {
    expect(of({ connection_type: connectionType, organization: 'Tsinghua University', isp: 'Some Telecom' })).toBe(expected);
  });

  it('6. a mobile network code means mobile', () => {
    expect(of({ isp: 'Acme', organization: 'Acme', mobile_country_code: '310', mobile_network_code: '004' })).toBe('mobile');
  });

  it.each([
    ['Tsinghua University', 'education'],
    ['Universität Wien', 'education'],
    ['Universidad de Chile', 'education'],
    ['Massachusetts Institute of Technology', 'education'],
    ['Hogeschool Utrecht Academy', 'education'],
    ['Ministry of Finance', 'government'],
    ['Seoul Metropolitan Government', 'government'],
    ['City of Amsterdam', 'government'],
    ['Bundesministerium des Innern', 'government'],
    ['US Air Force', 'government'],
    ['Hetzner Online GmbH', 'hosting'],
    ['Amazon.com, Inc.', 'hosting'],
    ['Example Data Center LLC', 'hosting'],
    ['Global Mobile Corp.', 'mobile'],
    ['Deutsche Telekom AG', 'isp'],
    ['Level 3 Communications', 'isp'],
    ['Athena Broadband', 'isp'],
    ['SUMO FIBER', 'isp'],
  ])('7./9. the name %j → %s', (name, expected) => {
    expect(of({ organization: name, isp: name }), 'as the organisation').toBe(expected);
    expect(of({ autonomous_system_number: 1, autonomous_system_organization: name }), 'as the AS organisation').toBe(expected);
  });

  it('7. the organisation’s domain: .edu / .ac.xx → education, .gov / .mil / .gouv.fr … → government', () => {
    expect(of({ domain: 'mit.edu' })).toBe('education');
    expect(of({ domain: 'ox.ac.uk' })).toBe('education');
    expect(of({ domain: 'navy.mil' })).toBe('government');
    expect(of({ domain: 'service-public.gouv.fr' })).toBe('government');
    expect(of({ domain: 'bmi.bund.de' })).toBe('government');
    expect(of({ domain: 'gov.uk' })).toBe('government');
    expect(of({ domain: 'maxmind.com' })).toBe('unknown');
  });

  it('8. an organisation that is a customer of its access provider is a business', () => {
    expect(of({ organization: 'Karlin Peebles LLP', isp: 'Towerstream I', autonomous_system_number: 33224 })).toBe('business');
    expect(of({ organization: 'Bevtec', isp: 'Bredband2 AB', autonomous_system_organization: 'Bredband2 AB' })).toBe('business');
    // The provider itself, under another name of the same company, is not a customer.
    expect(of({ organization: 'AT&T Worldnet Services', isp: 'AT&T Services' })).toBe('isp');
    expect(of({ organization: 'Cox Communications', isp: 'Loud Packet', autonomous_system_organization: 'Cox Communications Inc.' })).toBe('isp');
    // Without a named provider nothing says the organisation is not the provider: no business.
    expect(of({ organization: 'Karlin Peebles LLP' })).toBe('unknown');
  });

  it('10. a named ISP without other evidence is an isp; 11. otherwise unknown', () => {
    expect(of({ isp: 'Loud Packet', organization: 'Loud Packet' })).toBe('isp');
    expect(of({ autonomous_system_number: 7018, autonomous_system_organization: 'AT&T Services' })).toBe('unknown');
    expect(of({ autonomous_system_number: 7018 })).toBe('unknown');
    expect(of({})).toBe('unknown');
  });

  it('ignores values of the wrong type instead of trusting them', () => {
    expect(ofTraits({ user_type: 42, is_anonymous: 'yes', connection_type: ['Corporate'] })).toBe('unknown');
  });
});

describe('classification of MaxMind test records (normalization + rules)', () => {
  const enricher = (name: string) => createEnricher(MmdbDatabase.open(testDatabase(name)));
  const enterprise = 'GeoIP2-Enterprise-Test';
  const isp = 'GeoIP2-ISP-Test';
  const connection = 'GeoIP2-Connection-Type-Test';
  const asn = 'GeoLite2-ASN-Test';
  const domain = 'GeoIP2-Domain-Test';

  it.each([
    [enterprise, '214.214.214.218', 'business'], // user_type business
    [enterprise, '81.2.69.161', 'government'], // user_type government
    [enterprise, '214.78.0.1', 'government'], // military
    [enterprise, '74.209.24.1', 'residential'], // residential although a legitimate proxy
    [enterprise, '1.124.213.1', 'mobile'], // cellular
    [enterprise, '214.214.214.216', 'anonymous'], // traveler
    [enterprise, '214.214.214.220', 'hosting'],
    [enterprise, '67.43.156.1', 'hosting'], // search engine spider
    [enterprise, '149.101.100.1', 'mobile'], // Verizon Wireless: no user type, a mobile network code
    [enterprise, '5.83.124.1', 'isp'], // only an ISP named (WifiNetCom)
    [enterprise, '2.125.160.217', 'unknown'], // location only
    [isp, '64.17.254.217', 'business'], // Karlin Peebles LLP on Towerstream
    [isp, '101.5.0.1', 'education'], // Tsinghua University
    [isp, '1.128.0.1', 'isp'], // Telstra Internet
    [connection, '1.0.0.1', 'residential'], // Cable/DSL
    [connection, '1.0.1.1', 'mobile'], // Cellular
    [asn, '1.0.0.1', 'hosting'], // Google Inc.
    [asn, '31.224.0.1', 'isp'], // Deutsche Telekom AG
    [asn, '1.128.0.1', 'unknown'], // Telstra Pty Ltd: nothing in the name tells
    [domain, '1.2.0.1', 'unknown'], // maxmind.com
  ])('%s: %s → %s', (database, address, expected) => {
    const answer = enricher(database).enrich(parseIpAddress(address)!);
    expect(answer.found).toBe(true);
    expect(answer.classification).toBe(expected);
  });

  it('only ever answers one of the nine classifications', () => {
    for (const address of ['1.0.0.1', '81.2.69.161', '2001:480::1', '203.0.114.1']) {
      expect(CLASSIFICATIONS).toContain(enricher(enterprise).enrich(parseIpAddress(address)!).classification);
    }
  });
});
