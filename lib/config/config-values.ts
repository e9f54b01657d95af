/** A whole number within bounds (also given as a string by `-c key=value`), or `min` and a problem recorded. */
export function integerIn(raw: unknown, min: number, max: number, key: string, problems: string[]): number {
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${key}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return min;
  }
  return value;
}
