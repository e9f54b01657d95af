import { format } from 'node:util';
import { vi } from 'vitest';
import { capturedOutput } from '../../support/captured-output.js';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'] as const;

/**
 * Everything written while `run` runs, at the lowest level the functions can reach: process.stdout
 * and process.stderr writes (test/support/captured-output.ts; Powertools' Logger writes there through
 * its own Console) and every global console method (the Logger in POWERTOOLS_DEV mode, and any stray
 * console call). Nothing is echoed.
 */
export async function capturedWrites(run: () => Promise<unknown>): Promise<string> {
  const consoleLines: string[] = [];
  const spies = CONSOLE_METHODS.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(format(...args));
    }),
  );
  try {
    const streams = await capturedOutput(run);
    return [streams, ...consoleLines].join('\n');
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
