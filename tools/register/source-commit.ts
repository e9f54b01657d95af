import { execFileSync } from 'node:child_process';

/**
 * The git commit the app is synthesized from, `+dirty` when tracked files differ from it, so a
 * published register names the exact source. Outside a git checkout: `unknown (not a git checkout)`.
 */
export function currentSourceCommit(cwd: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}+dirty`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
