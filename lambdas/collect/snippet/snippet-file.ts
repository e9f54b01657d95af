import { createHash } from 'node:crypto';
import { SNIPPET_SOURCE } from './snippet-source.js';

/** The served snippet with what pins it: a content version for the long-cached URL and its SRI hash. */
export interface SnippetFile {
  readonly source: string;
  /** The first 16 characters of the base64url SHA-256 of the source: `GET /v1/snippet.js?v=<version>`. */
  readonly version: string;
  /** Subresource Integrity value for the script tag's `integrity` attribute. */
  readonly integrity: string;
  readonly etag: string;
}

export function snippetFile(source: string = SNIPPET_SOURCE): SnippetFile {
  const bytes = Buffer.from(source, 'utf8');
  const version = createHash('sha256').update(bytes).digest('base64url').slice(0, 16);
  return {
    source,
    version,
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
    etag: `"${version}"`,
  };
}
