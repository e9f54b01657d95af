import { findDeliveryProblems } from './log-deliveries.js';
import { describeRetainedStores } from './retained-stores.js';
import type { RetentionLimits } from './retention-limits.js';
import { describeResource, TemplateIndex, type ResourceRef, type StackTemplate } from './stack-templates.js';

export interface RetentionViolation {
  readonly resource: ResourceRef;
  readonly problem: string;
  /** The resource and the problem in one sentence, for test output and CLI reports. */
  readonly message: string;
}

/**
 * Walks every resource of every template and reports each store that could keep personal data
 * longer than the configured retention (or forever), and each writer whose logs would land in such
 * a store. An empty list means every store has an expiry within its limit.
 *
 * Fails closed: a destination it cannot resolve within the same template (an imported name, an
 * `Fn::ImportValue`, a resource of another account) and a store type without a rule are reported,
 * never assumed fine.
 */
export function findRetentionViolations(stacks: readonly StackTemplate[], limits: RetentionLimits): RetentionViolation[] {
  const index = new TemplateIndex(stacks);
  const stores = describeRetainedStores(index, limits);
  const problems = [
    ...stores.flatMap((store) => store.problems.map((problem) => ({ resource: store.resource, problem: `${store.store}: ${problem}` }))),
    ...findDeliveryProblems(index, stores),
  ];
  return problems.map(({ resource, problem }) => ({ resource, problem, message: `${describeResource(resource)}: ${problem}` }));
}
