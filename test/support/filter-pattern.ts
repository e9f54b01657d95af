/**
 * Stand-in for CloudWatch Logs, which cannot run locally: evaluates the subset of the JSON filter
 * pattern syntax that lib/audit/trail-detectors.ts writes — `{ … }` around comparisons
 * `($.path = "value")` / `($.path != "value")` (`*` matching any characters, `[n]` indexing arrays)
 * joined by `&&` and `||` with parentheses — against one log event (a CloudTrail record). A
 * comparison on a field the event does not have is false, as CloudWatch Logs treats it.
 */
export function filterPatternMatches(pattern: string, event: unknown): boolean {
  const body = /^\{(.*)\}$/s.exec(pattern.trim());
  if (!body) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const tokens = body[1]!.match(/\(|\)|&&|\|\||\$\.[\w.[\]]+|!=|=|"(?:[^"\\]|\\.)*"/g) ?? [];
  let at = 0;
  const next = () => tokens[at++];
  const peek = () => tokens[at];

  const or = (): boolean => {
    let value = and();
    while (peek() === '||') {
      next();
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = primary();
    while (peek() === '&&') {
      next();
      value = primary() && value;
    }
    return value;
  };
  const primary = (): boolean => {
    if (peek() === '(') {
      next();
      const value = or();
      if (next() !== ')') throw new Error(`unbalanced parentheses in ${pattern}`);
      return value;
    }
    const path = next();
    const op = next();
    const literal = next();
    if (!path?.startsWith('$.') || (op !== '=' && op !== '!=') || !literal?.startsWith('"')) throw new Error(`cannot read ${pattern} at ${path}`);
    const actual = fieldAt(event, path.slice(2));
    if (typeof actual !== 'string') return false;
    const wanted = new RegExp(`^${(JSON.parse(literal) as string).split('*').map(escapeRegExp).join('.*')}$`);
    return op === '=' ? wanted.test(actual) : !wanted.test(actual);
  };

  const result = or();
  if (at !== tokens.length) throw new Error(`trailing tokens in ${pattern}`);
  return result;
}

function fieldAt(value: unknown, path: string): unknown {
  return path
    .split(/\.|(?=\[)/)
    .reduce<unknown>((current, key) => {
      if (current === null || typeof current !== 'object') return undefined;
      const index = /^\[(\d+)\]$/.exec(key);
      return index ? (current as unknown[])[Number(index[1])] : (current as Record<string, unknown>)[key];
    }, value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
