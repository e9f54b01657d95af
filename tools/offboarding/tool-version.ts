import { readFileSync } from 'node:fs';

/** `eu-ip-enrichment@<version>` from package.json: manifests say which tool wrote them. */
export const TOOL_VERSION = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name}@${pkg.version}`;
})();
