import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A temporary name next to `target`, so the final rename stays on one file system and is atomic. */
function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** A part of a file's contents: bytes, or the contents of another file (copied in chunks). */
export type FilePart = Uint8Array | { readonly file: string };

/**
 * Writes a file so that readers see either the old file or the complete new one, never a partial one.
 * Contents given as parts are written one after the other, never joined in memory.
 */
export async function writeFileAtomic(target: string, contents: string | Uint8Array | readonly FilePart[]): Promise<void> {
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

async function writeParts(file: string, parts: readonly FilePart[]): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const part of parts) {
      if (part instanceof Uint8Array) await handle.write(part);
      else for await (const chunk of createReadStream(part.file, { highWaterMark: 8 << 20 })) await handle.write(chunk as Buffer);
    }
  } finally {
    await handle.close();
  }
}
