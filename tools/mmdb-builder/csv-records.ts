/** A CSV syntax error at a line (the reader adds the file name). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface CsvRecord {
  /** The line the record starts on (1-based). */
  readonly line: number;
  readonly cells: string[];
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Splits RFC 4180 CSV text into records: comma-separated, fields optionally in double quotes (a quoted
 * field may hold commas, newlines and "" for a quote), LF or CRLF line ends, blank lines skipped, a
 * leading byte order mark ignored. Lines without a quote take a fast path.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (position < text.length) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > position && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const raw = text.slice(position, contentEnd);
    if (!raw.includes('"')) {
      if (raw !== '') yield { line, cells: raw.split(',') };
      position = lineEnd + 1;
      line++;
      continue;
    }
    const { cells, end } = parseQuotedRecord(text, position, line);
    yield { line, cells };
    line += countNewlines(text, position, end);
    position = end;
  }
}

/** Parses one record that contains quotes, starting at `start`; returns its cells and where the next begins. */
function parseQuotedRecord(text: string, start: number, line: number): { cells: string[]; end: number } {
  const cells: string[] = [];
  let i = start;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new CsvSyntaxError(line, 'a quoted field is never closed');
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      cells.push(value);
    } else {
      let fieldEnd = i;
      while (fieldEnd < text.length && text[fieldEnd] !== ',' && text[fieldEnd] !== '\n' && text[fieldEnd] !== '\r') fieldEnd++;
      const value = text.slice(i, fieldEnd);
      if (value.includes('"')) {
        throw new CsvSyntaxError(line, `column ${cells.length + 1} has a quote inside an unquoted field`);
      }
      cells.push(value);
      i = fieldEnd;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (i >= text.length) return { cells, end: i };
    if (text[i] === '\n') return { cells, end: i + 1 };
    if (text[i] === '\r' && text[i + 1] === '\n') return { cells, end: i + 2 };
    throw new CsvSyntaxError(line, `column ${cells.length} has text after its closing quote`);
  }
}
