/** A calendar quarter in UTC: `2026-Q4` is 2026-10-01T00:00Z up to (not including) 2027-01-01T00:00Z. */
export interface Quarter {
  readonly label: string;
  readonly start: Date;
  readonly end: Date;
}

export function parseQuarter(label: string): Quarter {
  const match = /^(\d{4})-Q([1-4])$/.exec(label);
  if (!match) throw new Error(`--quarter must look like 2026-Q4, got ${JSON.stringify(label)}`);
  const year = Number(match[1]);
  const first = (Number(match[2]) - 1) * 3;
  return { label, start: new Date(Date.UTC(year, first, 1)), end: new Date(Date.UTC(year, first + 3, 1)) };
}

/** The UTC days of the quarter as CloudTrail writes them into keys: `2026/10/01`. */
export function quarterDays(quarter: Quarter): string[] {
  const days: string[] = [];
  for (let day = new Date(quarter.start); day < quarter.end; day = new Date(day.getTime() + 86_400_000)) {
    days.push(day.toISOString().slice(0, 10).replaceAll('-', '/'));
  }
  return days;
}

export const inQuarter = (quarter: Quarter, time: Date) => time >= quarter.start && time < quarter.end;
