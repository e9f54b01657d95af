import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snippetFile } from '../../../lambdas/collect/snippet/snippet-file.js';
import { REPO_ROOT } from '../../support/repo-paths.js';

/** The README's script tag is what controllers copy: its version and SRI hash must be this release's. */
describe('the snippet as the README documents it', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const snippet = snippetFile();

  it('gives the current version and Subresource Integrity hash in the script tag', () => {
    const tag = /<script src="[^"]*\/v1\/snippet\.js\?v=([\w-]+)"\s+integrity="([^"]+)"/.exec(readme);
    expect(tag, 'the README has the snippet script tag').not.toBeNull();
    expect({ version: tag![1], integrity: tag![2] }).toEqual({ version: snippet.version, integrity: snippet.integrity });
  });

  it('is plain script with none of what a strict CSP or the privacy promises forbid', () => {
    expect(() => new Function(snippet.source)).not.toThrow();
    expect(snippet.source).not.toMatch(/\beval\b|new Function|document\.cookie|localStorage|sessionStorage|indexedDB|navigator\.(userAgent|language|platform|hardwareConcurrency)|screen\.|canvas|setTimeout\(\s*['"`]/);
  });
});
