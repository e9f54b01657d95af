import { FieldValueError, type TypeOverrides, typeJsonValue } from './field-types.js';
import { InputError, readInputText } from './input-error.js';
import { parseTreeNetwork } from './tree-address.js';
import type { NetworkSink } from './mmdb-writer.js';

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The line of a JSON.parse error, from V8's "(line L column C)" or "at position P". */
function syntaxErrorLine(text: string, message: string): number | undefined {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  return position ? lineAt(text, Number(position[1])) : undefined;
}

/** The line each element of the top-level JSON array starts on (the text is known to be valid JSON). */
function topLevelElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (depth === 1 && expectingElement && c !== ']') {
      lines.push(line);
      expectingElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectingElement = true;
  }
  return lines;
}

export interface JsonInputOptions {
  readonly typeOverrides: TypeOverrides;
}

/**
 * Reads MaxMind's source-data JSON: an array of objects mapping a network (CIDR, IPv4 or IPv6, e.g.
 * "1.0.0.0/24" or "::1.0.0.0/120") to its record. Returns the number of networks read.
 */
export async function readJsonInput(file: string, writer: NetworkSink, options: JsonInputOptions): Promise<number> {
  const text = await readInputText(file);
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // V8 may quote a stretch of the input, which could hold addresses: keep only its description.
    const reason = message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
    throw new InputError(file, syntaxErrorLine(text, message), `malformed JSON: ${reason}`);
  }
  if (!Array.isArray(entries)) throw new InputError(file, 1, 'expected a JSON array of { "network": record } objects');

  const lines = topLevelElementLines(text);
  let networks = 0;
  entries.forEach((entry: unknown, index) => {
    const line = lines[index];
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new InputError(file, line, `entry ${index + 1} is not an object of { "network": record }`);
    }
    for (const [networkText, json] of Object.entries(entry)) {
      const network = parseTreeNetwork(networkText);
      if (!network) throw new InputError(file, line, `entry ${index + 1} has a key that is not a valid CIDR network`);
      let record;
      try {
        record = typeJsonValue(json, options.typeOverrides);
      } catch (error) {
        if (error instanceof FieldValueError) throw new InputError(file, line, `entry ${index + 1}: ${error.message}`);
        throw error;
      }
      writer.insertNetwork(network.address.value, network.treePrefixLength, record);
      networks++;
    }
  });
  return networks;
}
