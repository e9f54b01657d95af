import { intrinsic } from './region-proof.js';

/**
 * Values at `path` below `properties`, with their location. Where the path
 * meets a deploy-time expression (an intrinsic instead of a list or object),
 * that expression is returned as the value, so the caller fails closed on it.
 */
export function valuesAt(properties: unknown, path: string): { value: unknown; location: string }[] {
  let nodes: { value: unknown; location: string }[] = [{ value: properties, location: 'Properties' }];
  for (const segment of path.split('/')) {
    nodes = nodes.flatMap(({ value, location }) => {
      if (intrinsic(value) !== undefined) return [{ value, location }];
      if (segment === '*') return Array.isArray(value) ? value.map((v, i) => ({ value: v as unknown, location: `${location}/${i}` })) : [];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
      const child = (value as Record<string, unknown>)[segment];
      return child === undefined ? [] : [{ value: child, location: `${location}/${segment}` }];
    });
  }
  return nodes;
}
