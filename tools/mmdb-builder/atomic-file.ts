import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A temporary name next to `target`, so the final rename stays on one file system and is atomic. */
function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes a file so that readers see either the old file or the complete new one, never a partial one.
 * Contents given as parts are written one after the other, never joined in memory.
 */
export async function writeFileAtomic(target: string, contents: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const temporary = temporaryPathFor(target);
  try {
    if (Array.isArray(contents)) await writeParts(temporary, contents);
    else await writeFile(temporary, contents as string | Uint8Array);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeParts(file: string, parts: readonly Uint8Array[]): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const part of parts) await handle.write(part);
  } finally {
    await handle.close();
  }
}
