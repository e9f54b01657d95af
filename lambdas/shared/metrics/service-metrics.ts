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
  /** Emitted by Powertools once per container, with the function name. */
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
 * The metrics of one function. Counts without a dimension are kept for the invocation and written as
 * one EMF line at its end (with the tenant's series next to the aggregate); counts by a dimension are
 * written at once as a line of their own, so their dimension does not split the other metrics.
 */
export class ServiceMetrics {
  constructor(readonly metrics: Metrics) {}

  count(name: string, value = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
  }

  countBy(name: string, dimension: DimensionName, value: string, count = 1): void {
    const single = this.metrics.singleMetric();
    single.addDimension(dimension, safeDimensionValue(value));
    single.addMetric(name, MetricUnit.Count, count);
  }

  /** Adds a per-tenant series of this invocation's counts, next to the aggregate one. */
  forTenant(tenantId: string): void {
    this.metrics.addDimensions({});
    this.metrics.addDimensions({ tenant: safeDimensionValue(tenantId) });
  }
}

export function createServiceMetrics(serviceName: string): ServiceMetrics {
  return new ServiceMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName }));
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
    const tenantId = tenantOrUndefined(tenants, request.event);
    if (tenantId !== undefined) serviceMetrics.forTenant(tenantId);
    serviceMetrics.metrics.publishStoredMetrics();
  };
  return {
    before: async (request) => {
      serviceMetrics.metrics.captureColdStartMetric(request.context.functionName);
    },
    after: flush,
    onError: flush,
  };
}

function tenantOrUndefined(tenants: TenantDirectory, event: APIGatewayProxyEvent): string | undefined {
  try {
    return tenants.tenantOf(event);
  } catch {
    return undefined; // no or an unknown key: counted in the aggregate only
  }
}
