// Cost per million enrichments and visits in eu-central-1, from the figures measured in this run
// and the list prices in bench/prices.ts.
import type { LatencyFigures } from './handler-latency.js';
import { AWS_PRICES, COMMERCIAL_OFFERS, type CommercialOffer } from './prices.js';
import type { VisitWriteUnits } from './visit-write-units.js';

/** lib/enrichment/api-function.ts: memorySize 512 (MB), arm64. */
export const FUNCTION_MEMORY_MB = 512;
/**
 * Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB: at 512 MB a
 * CPU-bound handler may run up to this many times longer than on one core of this machine.
 */
export const LAMBDA_CPU_SLOWDOWN = 1769 / FUNCTION_MEMORY_MB;
const GIB = 1024 ** 3;

export interface CostLine {
  readonly item: string;
  readonly usd: number;
}

export interface CostScenario {
  readonly name: string;
  /** What a million of is counted. */
  readonly counts: 'enrichments' | 'visits';
  /** API requests behind one million of what the scenario counts. */
  readonly requests: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** The same with Lambda compute billed from durations × LAMBDA_CPU_SLOWDOWN (an upper estimate). */
  readonly totalUsdAtLambdaCpuShare: number;
}

export interface CostPerMillion {
  readonly memoryMb: number;
  readonly scenarios: readonly CostScenario[];
  readonly commercial: readonly CommercialOffer[];
}

export interface CostInputs {
  readonly enrichOne: LatencyFigures;
  readonly enrichBatch: LatencyFigures;
  readonly recordVisit: LatencyFigures;
  readonly visitWriteUnits: VisitWriteUnits;
  readonly batchSize: number;
}

function lambdaCompute(requests: number, billedMilliseconds: number): number {
  return requests * (billedMilliseconds / 1000) * (FUNCTION_MEMORY_MB / 1024) * AWS_PRICES.lambdaArmGbSecond.usd;
}

export function scenario(name: string, counts: CostScenario['counts'], requests: number, figures: LatencyFigures, extra: readonly CostLine[] = []): CostScenario {
  const lines: CostLine[] = [
    { item: 'API Gateway REST requests', usd: requests * AWS_PRICES.apiGatewayRestRequest.usd },
    { item: 'WAF requests', usd: requests * AWS_PRICES.wafRequest.usd },
    { item: 'Lambda requests', usd: requests * AWS_PRICES.lambdaRequest.usd },
    {
      item: `Lambda compute (${figures.meanBilledMilliseconds.toFixed(2)} ms billed, ${FUNCTION_MEMORY_MB} MB Arm)`,
      usd: lambdaCompute(requests, figures.meanBilledMilliseconds),
    },
    ...extra,
    { item: `CloudWatch Logs (${Math.round(figures.logBytesPerInvocation)} B logged per request)`, usd: ((requests * figures.logBytesPerInvocation) / GIB) * AWS_PRICES.cloudWatchLogsIngestedGb.usd },
    { item: `Data transfer out (${Math.round(figures.responseBytesPerInvocation)} B answer)`, usd: ((requests * figures.responseBytesPerInvocation) / GIB) * AWS_PRICES.dataTransferOutGb.usd },
  ];
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  const compute = lambdaCompute(requests, figures.meanBilledMilliseconds);
  const computeAtCpuShare = lambdaCompute(requests, figures.meanBilledMillisecondsAtLambdaCpuShare);
  return { name, counts, requests, lines, totalUsd, totalUsdAtLambdaCpuShare: totalUsd - compute + computeAtCpuShare };
}

export function costPerMillion(inputs: CostInputs): CostPerMillion {
  const { visitWriteUnits } = inputs;
  return {
    memoryMb: FUNCTION_MEMORY_MB,
    scenarios: [
      scenario('1M enrichments, one per request', 'enrichments', 1e6, inputs.enrichOne),
      scenario(`1M enrichments in batches of ${inputs.batchSize}`, 'enrichments', 1e6 / inputs.batchSize, inputs.enrichBatch),
      scenario('1M visits recorded and stored', 'visits', 1e6, inputs.recordVisit, [
        {
          item: `DynamoDB writes (${visitWriteUnits.table} WRU table + ${visitWriteUnits.indexes} WRU index per visit)`,
          usd: 1e6 * visitWriteUnits.total * AWS_PRICES.dynamoDbWriteRequestUnit.usd,
        },
      ]),
    ],
    commercial: COMMERCIAL_OFFERS,
  };
}
