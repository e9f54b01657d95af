import { HttpError, badRequest } from '../http/http-error.js';
import { parseIpAddress, type IpAddress } from './ip-address.js';
import { specialPurposeOf } from './special-purpose.js';

/**
 * Turns client input into a public IP address, or throws the 4xx the client needs. Messages describe
 * the problem, never the input: an address is personal data and error bodies end up in client logs.
 */
export function parsePublicIp(input: unknown): IpAddress {
  const address = typeof input === 'string' ? parseIpAddress(input) : undefined;
  if (!address) throw badRequest('INVALID_IP', 'The value is not a valid IPv4 or IPv6 address.');
  const purpose = specialPurposeOf(address);
  if (purpose) {
    throw new HttpError(
      422,
      'NOT_PUBLIC_ADDRESS',
      `The address is not a public address (${purpose.replaceAll('-', ' ')} range): it cannot identify an organisation.`,
      { range: purpose },
    );
  }
  return address;
}
