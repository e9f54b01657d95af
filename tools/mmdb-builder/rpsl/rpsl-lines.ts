import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../input-error.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const NEWLINE = 0x0a;

async function isGzip(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputError(file, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/**
 * Decodes a run of whole lines. Registry dumps are UTF-8 except for old objects written in Latin-1,
 * so a run that is not valid UTF-8 is decoded line by line, each invalid line as Latin-1.
 */
function decodeLines(bytes: Buffer): string[] {
  if (isUtf8(bytes)) return bytes.toString('utf8').split('\n');
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    const line = bytes.subarray(start, end < 0 ? bytes.length : end);
    lines.push(line.toString(isUtf8(line) ? 'utf8' : 'latin1'));
    if (end < 0) return lines;
    start = end + 1;
  }
}

/**
 * Streams the lines of a plain or gzip-compressed text file (told apart by its first bytes, not its
 * name), without their line terminators, in batches: memory stays at a few chunks whatever the file size.
 */
export async function* textLines(file: string): AsyncGenerator<string[]> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => stream.destroy(error));
  let pending: Buffer | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
      const lastNewline = bytes.lastIndexOf(NEWLINE);
      if (lastNewline < 0) {
        pending = bytes;
        continue;
      }
      pending = lastNewline + 1 < bytes.length ? Buffer.from(bytes.subarray(lastNewline + 1)) : undefined;
      yield trimCarriageReturns(decodeLines(bytes.subarray(0, lastNewline)));
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (pending) yield trimCarriageReturns(decodeLines(pending));
}

function trimCarriageReturns(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}
