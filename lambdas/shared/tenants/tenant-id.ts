/**
 * A tenant id: the stable slug every data key of a tenant starts with. Lower-case letters, digits and
 * inner dashes, 1–32 characters, so it can never contain the key separator `#`.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
