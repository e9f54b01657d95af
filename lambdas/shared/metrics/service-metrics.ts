import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TenantDirectory } from '../tenants/tenant-directory.js';

/** The CloudWatch namespace of every metric the functions emit (embedded metric format: log lines, no API calls). */
export const METRICS_NAMESPACE = 'EuIpEnrichment';

/** Metric names, shared by the functions that emit them and the dashboard and alarms that read them. */
export const METRIC = {
  requests: 'Requests',
  lookups: 'Lookups',
  lookupsWithoutRecord: 'LookupsWithoutRecord',
  visitsStored: 'VisitsStored',
  visitsNotStored: 'VisitsNotStored',
  /** Once per container, in its first invocation's line. */
  coldStart: 'ColdStart',
} as const;

/** The only dimensions besides `service`. */
export type DimensionName = 'tenant' | 'classification' | 'reason';

/**
 * A dimension value is a lower-case slug of at most 32 characters — a tenant id, a classification, a
 * refusal reason. An IP address (dots, colons) or a pseudonym (43 mixed-case characters) never is one;
 * anything else is counted under `invalid`, so no personal data can become a metric dimension.
 */
const DIMENSION_VALUE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const INVALID_DIMENSION_VALUE = 'invalid';
export const safeDimensionValue = (value: string) => (DIMENSION_VALUE.test(value) ? value : INVALID_DIMENSION_VALUE);

/**
 * The metrics of one function, written as EMF lines at the end of each invocation: one line of plain
 * counts (with the tenant's series next to the aggregate), and one line per dimension counted by
 * (e.g. classification), so that dimension does not split the other metrics. The Powertools instances
 * live as long as the container (a new one per request, as singleMetric() makes, would cost every request).
 */
export class ServiceMetrics {
  private readonly byDimension = new Map<DimensionName, { readonly metrics: Metrics; value?: string }>();
  /** Lambda sets on-demand for containers started by a request (not provisioned concurrency): only those are cold starts a caller waits for. */
  private coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand';

  constructor(
    readonly metrics: Metrics,
    private readonly serviceName: string,
  ) {}

  count(name: string, value = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
  }

  /** Counts `name` under one value of `dimension` (a second value in the same invocation starts a line of its own). */
  countBy(name: string, dimension: DimensionName, value: string, count = 1): void {
    let entry = this.byDimension.get(dimension);
    if (!entry) this.byDimension.set(dimension, (entry = { metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: this.serviceName }) }));
    const safe = safeDimensionValue(value);
    if (entry.value !== undefined && entry.value !== safe) entry.metrics.publishStoredMetrics();
    entry.value = safe;
    entry.metrics.addDimension(dimension, safe);
    entry.metrics.addMetric(name, MetricUnit.Count, count);
  }

  /** Adds a per-tenant series of this invocation's plain counts, next to the aggregate one. */
  forTenant(tenantId: string): void {
    this.metrics.addDimensions({});
    this.metrics.addDimensions({ tenant: safeDimensionValue(tenantId) });
  }

  /** True once per container, in its first invocation. */
  takeColdStart(): boolean {
    const first = this.coldStart;
    this.coldStart = false;
    return first;
  }

  /** Writes the invocation's lines. */
  publish(): void {
    this.metrics.publishStoredMetrics();
    for (const entry of this.byDimension.values()) {
      if (entry.value === undefined) continue;
      entry.metrics.publishStoredMetrics();
      entry.value = undefined;
    }
  }
}

export function createServiceMetrics(serviceName: string): ServiceMetrics {
  return new ServiceMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName }), serviceName);
}

/**
 * Counts every request (per tenant when its API key maps to one), records the container's cold start,
 * and writes the invocation's metrics at its end, whether it succeeded or not.
 */
export function metricsMiddleware(
  serviceMetrics: ServiceMetrics,
  tenants: TenantDirectory,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const flush = async (request: middy.Request<APIGatewayProxyEvent>) => {
    serviceMetrics.count(METRIC.requests);
    // In the invocation's line rather than Powertools' captureColdStartMetric, which writes a line of its own.
    if (serviceMetrics.takeColdStart()) serviceMetrics.count(METRIC.coldStart);
    const tenantId = tenantOrUndefined(tenants, request.event);
    if (tenantId !== undefined) serviceMetrics.forTenant(tenantId);
    serviceMetrics.publish();
  };
  return { after: flush, onError: flush };
}

function tenantOrUndefined(tenants: TenantDirectory, event: APIGatewayProxyEvent): string | undefined {
  try {
    return tenants.tenantOf(event);
  } catch {
    return undefined; // no or an unknown key: counted in the aggregate only
  }
}
