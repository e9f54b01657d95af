/** A Markdown table padded for the terminal: the printed output can go into the README as it is. */
export type TableRow = { readonly section: string } | { readonly cells: readonly string[] };

export function renderTable(header: readonly string[], rows: readonly TableRow[]): string {
  const body = rows.filter((row): row is { cells: readonly string[] } => 'cells' in row).map((row) => row.cells);
  const widths = header.map((_, column) => Math.max(3, ...[header, ...body].map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  // A section row is not padded: a long title would widen the first column of every row.
  const rowLine = (row: TableRow) => ('section' in row ? `| **${row.section}** |${' |'.repeat(header.length - 1)}` : line(row.cells));
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(rowLine)].join('\n');
}

const group = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const formatRate = (perSecond: number) => `${group(perSecond)} /s`;
export const formatRatio = (ratio: number) => `${ratio.toFixed(2)}×`;
export const formatUsd = (usd: number) => (usd >= 100 ? `$${group(usd)}` : usd >= 0.1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`);

export function formatMilliseconds(milliseconds: number): string {
  if (milliseconds >= 1000) return `${(milliseconds / 1000).toFixed(2)} s`;
  if (milliseconds >= 10) return `${milliseconds.toFixed(0)} ms`;
  if (milliseconds >= 1) return `${milliseconds.toFixed(1)} ms`;
  return `${milliseconds.toFixed(3)} ms`;
}

/** SI units (1 KB = 1,000 bytes), as the bundle-size goal is stated. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}
