// The MMDB builder benchmark of bench/build-mmdb.ts, repeated: the median of each timing.
import { benchmarkMmdbBuilder, type MmdbBuilderBenchmark } from './build-mmdb.js';
import { median } from './support/statistics.js';

export interface MmdbBuilderFigures {
  readonly runs: number;
  readonly buildSeconds: number;
  readonly processSeconds: number;
  readonly peakRssMegabytes: number;
  readonly fileBytes: number;
  readonly nodeCount: number;
  readonly distinctRecords: number;
  /** Deterministic: the same in every run. */
  readonly sizeVersusMaxMind: MmdbBuilderBenchmark['sizeVersusMaxMind'];
}

export async function benchmarkMmdbBuilderRuns(runs = 3): Promise<MmdbBuilderFigures> {
  const results: MmdbBuilderBenchmark[] = [];
  for (let run = 0; run < runs; run++) results.push(await benchmarkMmdbBuilder());
  const of = (figure: 'buildSeconds' | 'processSeconds' | 'peakRssMegabytes') => median(results.map((result) => result.defaultDatabase[figure]));
  const [first] = results as [MmdbBuilderBenchmark];
  return {
    runs,
    buildSeconds: of('buildSeconds'),
    processSeconds: of('processSeconds'),
    peakRssMegabytes: of('peakRssMegabytes'),
    fileBytes: first.defaultDatabase.fileBytes,
    nodeCount: first.defaultDatabase.nodeCount,
    distinctRecords: first.defaultDatabase.distinctRecords,
    sizeVersusMaxMind: first.sizeVersusMaxMind,
  };
}
