import { readFile } from 'node:fs/promises';

/**
 * A problem with an input file, naming the file, the line (when there is one) and the reason. Messages
 * never quote an IP address from the input: they name the column or field instead.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`);
    this.name = 'InputError';
  }
}

/** Reads an input file as UTF-8 text; a missing or unreadable file becomes an InputError. */
export async function readInputText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(file, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
