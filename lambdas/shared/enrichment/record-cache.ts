/**
 * The MMDB reader's decoded-record cache, keyed by the record's offset in the data section, bounded so a
 * database with millions of distinct records cannot grow a container's memory without limit (the oldest
 * entry goes first). A hit returns the very same object, so per-record work can be memoised on it.
 */
export class BoundedRecordCache {
  private readonly entries = new Map<string | number, unknown>();

  constructor(private readonly maxEntries: number) {}

  get(offset: string | number): unknown {
    return this.entries.get(offset);
  }

  set(offset: string | number, record: unknown): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(offset, record);
  }
}
