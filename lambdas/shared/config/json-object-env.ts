/**
 * The entries of an environment variable holding a non-empty JSON object (a map built by the CDK stack),
 * or an Error naming the variable and what is wrong, for the function's init to fail on.
 */
export function jsonObjectEntries(name: string, json: string | undefined, described: { object: string; entries: string }): Array<[string, unknown]> {
  if (!json) throw new Error(`${name} is not set`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name} must be a JSON object of ${described.object}`);
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new Error(`${name} maps no ${described.entries}`);
  return entries;
}
