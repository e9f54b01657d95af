import { describe, expect, it } from 'vitest';
import { classify } from '../../../lambdas/shared/enrichment/classify.js';
import { recordFields } from '../../../lambdas/shared/enrichment/record-fields.js';
import { type RegistryObject, classifyRegistryObject, registryHolderName } from '../../../lambdas/shared/enrichment/registry-classify.js';

const object = (fields: Partial<RegistryObject>): RegistryObject => ({
  netname: null,
  descr: [],
  status: 'ASSIGNED PA',
  orgName: null,
  orgType: null,
  heldByProvider: false,
  ...fields,
});
const classOf = (fields: Partial<RegistryObject>) => classifyRegistryObject(object(fields)).classification;

describe('registry classification rules', () => {
  it('an end-user assignment to a named organisation that is not its provider is business, with the evidence', () => {
    expect(classifyRegistryObject(object({ netname: 'ACME-NET', orgName: 'Acme Maschinenbau GmbH', orgType: 'OTHER' }))).toEqual({
      classification: 'business',
      evidence: 'ASSIGNED PA to an organisation ("GmbH") that is not its provider',
    });
    expect(classOf({ status: 'ASSIGNED PI', descr: ['Bakkerij De Vries B.V.'] })).toBe('business');
    expect(classOf({ status: 'assigned', descr: ['Ferramenta Rossi S.r.l.'] })).toBe('business');
  });

  it('a company name containing "Net" or "Telecom" is still a business when it is an end user', () => {
    expect(classOf({ netname: 'NETZ-LOGISTIK', orgName: 'Netz Logistik GmbH' })).toBe('business');
    expect(classOf({ netname: 'TCP-LAN', orgName: 'Telecom Consulting Partners Ltd' })).toBe('business');
  });

  it('weak evidence is unknown, never business: no organisation, a person-like or placeholder holder', () => {
    expect(classifyRegistryObject(object({ netname: 'CUST-4711' }))).toEqual({
      classification: 'unknown',
      evidence: 'ASSIGNED PA: the holder is not recognisably an organisation',
    });
    expect(classOf({ netname: 'JDOE-NET', orgName: 'Jan de Vries', orgType: 'OTHER' })).toBe('unknown');
    expect(classOf({ status: null, orgName: 'Acme GmbH' })).toBe('unknown');
    expect(classOf({ status: 'EARLY-REGISTRATION', orgName: 'Acme GmbH' })).toBe('unknown');
  });

  it.each([
    ['DTAG-DIAL', ['Deutsche Beispiel Telekom AG', 'Dial-up and DSL customers']],
    ['KPN-ADSL-POOL', []],
    ['ORANGE-FR-CABLE', ['Abonnés résidentiels']],
    ['TELEX-FTTH', ['Klanten glasvezel']],
    ['VF-IT-CLIENTI', ['Clienti residenziali']],
    ['ES-BRAS-12', ['Clientes']],
    ['PL-KLIENCI-BB', ['Klienci indywidualni']],
    ['ISP-CGNAT', []],
  ])('a customer pool is residential even when held by a company name: %s', (netname, descr) => {
    expect(classOf({ netname, descr, orgName: 'Beispiel Telekom GmbH', orgType: 'LIR', heldByProvider: true })).toBe('residential');
  });

  it('mobile operator pools are mobile; "Mobile" in a company name alone is not', () => {
    expect(classOf({ netname: 'MOB-GPRS-POOL', heldByProvider: true })).toBe('mobile');
    expect(classOf({ netname: 'OPERATOR-LTE', descr: ['LTE subscribers'], heldByProvider: true })).toBe('mobile');
    expect(classOf({ netname: 'APN-INTERNET' })).toBe('mobile');
    expect(classOf({ netname: 'MOBILE-SOLUTIONS', orgName: 'Mobile Solutions GmbH' })).toBe('business');
  });

  it('allocations and the provider’s infrastructure are isp; its own office network is its business', () => {
    expect(classOf({ status: 'ALLOCATED PA', orgName: 'Beispiel Telekom GmbH', orgType: 'LIR', heldByProvider: true })).toBe('isp');
    expect(classOf({ status: 'SUB-ALLOCATED PA', orgName: 'Kleiner Provider GmbH' })).toBe('isp');
    expect(classOf({ netname: 'BT-BACKBONE', orgName: 'Beispiel Telekom GmbH', heldByProvider: true })).toBe('isp');
    expect(classOf({ netname: 'BT-P2P-LINKS', descr: ['point-to-point links'], orgType: 'LIR' })).toBe('isp');
    expect(classOf({ netname: 'BT-SERVICES', orgName: 'Beispiel Telekom GmbH', heldByProvider: true })).toBe('isp');
    expect(classOf({ netname: 'BT-OFFICE-BONN', orgName: 'Beispiel Telekom GmbH', heldByProvider: true })).toBe('business');
  });

  it('hosting, colocation, VPS, cloud and data centres are hosting', () => {
    expect(classOf({ netname: 'HOSTER-VPS', orgName: 'Hoster GmbH' })).toBe('hosting');
    expect(classOf({ descr: ['Colocation Frankfurt'], orgName: 'Rack AG' })).toBe('hosting');
    expect(classOf({ status: 'ALLOCATED PA', orgName: 'Nordic Cloud Oy', orgType: 'LIR' })).toBe('hosting');
  });

  it('universities (also their hospitals) are education and public bodies government, in the EU’s languages', () => {
    expect(classOf({ orgName: 'Universitätsklinikum Beispielstadt AöR' })).toBe('education');
    expect(classOf({ orgName: 'Uniwersytet Przykładowy' })).toBe('education');
    expect(classOf({ status: 'ALLOCATED PA', orgName: 'Université Exemple', orgType: 'LIR' })).toBe('education');
    expect(classOf({ orgName: 'Gemeente Voorbeeld' })).toBe('government');
    expect(classOf({ orgName: 'Ministerio de Ejemplo' })).toBe('government');
    expect(classOf({ orgName: 'Comune di Esempio' })).toBe('government');
  });

  it('a municipality’s broadband company: its pools residential, its allocation isp', () => {
    expect(classOf({ netname: 'SWB-BREITBAND-KUNDEN', orgName: 'Stadtwerke Beispielstadt Breitband GmbH', heldByProvider: true })).toBe('residential');
    expect(classOf({ status: 'ALLOCATED PA', orgName: 'Stadtwerke Beispielstadt Breitband GmbH', orgType: 'LIR' })).toBe('isp');
  });

  it('shows the organisation’s name, else a descr line naming a legal entity, never a bare descr', () => {
    expect(registryHolderName('Acme GmbH', ['Whatever'])).toBe('Acme GmbH');
    expect(registryHolderName(null, ['Werk Nord', 'Acme Maschinenbau GmbH'])).toBe('Acme Maschinenbau GmbH');
    expect(registryHolderName(null, ['Jan de Vries'])).toBeNull();
  });
});

describe('the enricher reads a registry record', () => {
  it('takes the builder’s classification and keeps its evidence (after anonymiser flags)', () => {
    const record = { organization: 'Acme GmbH', isp: 'Beispiel Telekom GmbH', registry: { classification: 'residential', evidence: 'customer pool', status: 'ASSIGNED PA' } };
    expect(classify(recordFields(record))).toBe('residential');
    expect(recordFields(record).registry).toEqual({ classification: 'residential', evidence: 'customer pool', netname: null, status: 'ASSIGNED PA', orgType: null, source: null, lastModified: null });
    expect(classify(recordFields({ ...record, is_anonymous: true }))).toBe('anonymous');
    // A registry block without a known classification is ignored, not trusted.
    expect(recordFields({ registry: { classification: 'company' } }).registry).toBeNull();
  });
});

describe('research and education networks by their AS names (the default database)', () => {
  it.each(['SURF B.V.', 'Verein zur Foerderung eines Deutschen Forschungsnetzes e.V.', 'Consortium GARR', 'Renater', 'Leibniz-Rechenzentrum', 'Jisc Services Limited', 'CESNET z.s.p.o.'])(
    '%s → education',
    (name) => expect(classify(recordFields({ autonomous_system_number: 1, autonomous_system_organization: name }))).toBe('education'),
  );

  it.each(['Surf Air Wireless, LLC', 'Net-Surf.net Ltd.', 'TeraSwitch Networks Inc.', 'Surfplanet GmbH'])('%s is not education', (name) => {
    expect(classify(recordFields({ autonomous_system_number: 1, autonomous_system_organization: name }))).not.toBe('education');
  });
});
