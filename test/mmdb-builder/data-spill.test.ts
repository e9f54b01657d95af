import { describe, expect, it } from 'vitest';
import { DataEncoder } from '../../tools/mmdb-builder/data-encoder.js';
import { MmdbNumber } from '../../tools/mmdb-builder/mmdb-value.js';

/** A data section larger than the encoder's 16 MB spill size, written both ways. */
describe('a data section spilled while it is encoded', () => {
  it('gives the same bytes and offsets as one kept in memory', { timeout: 120_000 }, () => {
    const records = Array.from({ length: 140_000 }, (_, i) => ({
      name: `record ${i} ${'x'.repeat(100)}`,
      shared: `shared ${i % 100}`,
      number: new MmdbNumber('uint32', i),
      nested: { country: i % 2 ? 'DE' : 'NL' },
    }));
    const inMemory = new DataEncoder(true);
    const chunks: Buffer[] = [];
    const spilling = new DataEncoder(true, (bytes) => chunks.push(Buffer.from(bytes)));
    const remembers = (text: string) => !text.startsWith('record ');
    const offsets = (encoder: DataEncoder) => records.map((record, i) => (i % 2 ? encoder.add(record) : encoder.addUnique(record, remembers)));
    expect(offsets(spilling)).toEqual(offsets(inMemory));
    expect(chunks.length).toBeGreaterThan(0);
    expect(spilling.size).toBe(inMemory.size);
    expect(Buffer.concat([...chunks, spilling.contents()]).equals(inMemory.contents())).toBe(true);
  });
});
