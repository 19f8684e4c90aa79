/**
 * Policy variables in condition values (`${aws:username}`, `${*}`), which IAM
 * substitutes only in policies with `"Version": "2012-10-17"`.
 */
import { wildcardToRegExpSource } from './wildcard';

type Segment =
  | { kind: 'pattern'; text: string } // may contain wildcards
  | { kind: 'literal'; text: string } // `${*}`, `${?}`, `${$}`
  | { kind: 'variable'; key: string; fallback?: string };

/** True when a value uses a policy variable and needs {@link matchTemplate}. */
export function hasPolicyVariable(value: string): boolean {
  return value.includes('${');
}

function parseTemplate(value: string): Segment[] {
  const segments: Segment[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    if (m.index > last) {
      segments.push({ kind: 'pattern', text: value.slice(last, m.index) });
    }
    const inner = m[1].trim();
    if (inner === '*' || inner === '?' || inner === '$') {
      segments.push({ kind: 'literal', text: inner });
    } else {
      const withDefault = /^(.*?)\s*,\s*'(.*)'$/.exec(inner);
      segments.push(
        withDefault
          ? { kind: 'variable', key: withDefault[1], fallback: withDefault[2] }
          : { kind: 'variable', key: inner },
      );
    }
    last = m.index + m[0].length;
  }
  if (last < value.length) {
    segments.push({ kind: 'pattern', text: value.slice(last) });
  }
  return segments;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Matches a request value against a condition value that contains policy
 * variables. A variable the request cannot resolve (and without a default)
 * makes the value match nothing.
 *
 * @param template - the condition value as written
 * @param requestValue - the request's value for the condition key
 * @param resolve - looks a variable's key up in the request (case-insensitive)
 * @param wildcards - whether `*` and `?` outside `${...}` are wildcards (StringLike)
 * @param ignoreCase - compare case-insensitively
 */
export function matchTemplate(
  template: string,
  requestValue: string,
  resolve: (key: string) => string | undefined,
  wildcards: boolean,
  ignoreCase: boolean,
): boolean {
  let source = '';
  for (const segment of parseTemplate(template)) {
    if (segment.kind === 'pattern') {
      source += wildcards
        ? wildcardToRegExpSource(segment.text)
        : escapeRegExp(segment.text);
    } else if (segment.kind === 'literal') {
      source += escapeRegExp(segment.text);
    } else {
      const resolved = resolve(segment.key) ?? segment.fallback;
      if (resolved === undefined) return false;
      source += escapeRegExp(resolved);
    }
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u').test(requestValue);
}
