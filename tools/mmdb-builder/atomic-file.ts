import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A temporary name next to `target`, so the final rename stays on one file system and is atomic. */
function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes a file so that readers see either the old file or the complete new one, never a partial one. */
export async function writeFileAtomic(target: string, contents: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(target);
  try {
    await writeFile(temporary, contents);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
