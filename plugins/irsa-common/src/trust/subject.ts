/**
 * The `sub` claim of Kubernetes service-account tokens,
 * `system:serviceaccount:<namespace>:<name>`, and how wide a condition value
 * on it reaches.
 */
import {
  hasPolicyVariable,
  substituteVariables,
  UNKNOWN_VALUE,
  VariableResolver,
} from '../policy/variables';
import type { PatternToken } from '../policy/wildcard';

/**
 * Prefix of every service-account token subject.
 *
 * @internal
 */
export const SERVICE_ACCOUNT_SUBJECT_PREFIX = 'system:serviceaccount:';

/**
 * The token subject of a service account.
 *
 * @public
 */
export function serviceAccountSubject(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_SUBJECT_PREFIX}${namespace}:${name}`;
}

/**
 * Namespace and name from a literal token subject; undefined for anything
 * else (including wildcard patterns).
 *
 * @internal
 */
export function parseServiceAccountSubject(
  subject: string,
): { namespace: string; name: string } | undefined {
  if (!subject.startsWith(SERVICE_ACCOUNT_SUBJECT_PREFIX)) return undefined;
  const rest = subject.slice(SERVICE_ACCOUNT_SUBJECT_PREFIX.length);
  const parts = rest.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  if (/[*?]/.test(rest)) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/**
 * How many service accounts a `:sub` condition value admits:
 * `none` (not a service-account subject), `single`, `namespace` (several in
 * one namespace) or `cluster` (more than one namespace).
 *
 * @internal
 */
export type SubjectScope = 'none' | 'single' | 'namespace' | 'cluster';

const SCOPE_RANK: Record<SubjectScope, number> = {
  none: 0,
  single: 1,
  namespace: 2,
  cluster: 3,
};

/** The wider of two scopes. */
export function widerScope(a: SubjectScope, b: SubjectScope): SubjectScope {
  return SCOPE_RANK[a] >= SCOPE_RANK[b] ? a : b;
}

/** The narrower of two scopes. */
export function narrowerScope(a: SubjectScope, b: SubjectScope): SubjectScope {
  return SCOPE_RANK[a] <= SCOPE_RANK[b] ? a : b;
}

/**
 * A value without wildcards: one subject when it is a service account's,
 * `<prefix><namespace>:<name>` with neither part empty. (Scanned rather than
 * split: this runs for every `:sub` value of every verdict.)
 */
function literalScope(text: string): SubjectScope {
  const start = SERVICE_ACCOUNT_SUBJECT_PREFIX.length;
  if (!text.startsWith(SERVICE_ACCOUNT_SUBJECT_PREFIX)) return 'none';
  const colon = text.indexOf(':', start);
  const single =
    colon > start &&
    colon < text.length - 1 &&
    text.indexOf(':', colon + 1) === -1;
  return single ? 'single' : 'none';
}

/** The index of the first `*` or `?`, or -1. */
function firstWildcardIn(value: string): number {
  const star = value.indexOf('*');
  const any = value.indexOf('?');
  if (star === -1) return any;
  return any === -1 ? star : Math.min(star, any);
}

/** The scope of a value whose first wildcard is at `firstWildcard` (-1: none). */
function scopeOf(value: string, firstWildcard: number): SubjectScope {
  if (firstWildcard === -1) return literalScope(value);
  const prefixLength = SERVICE_ACCOUNT_SUBJECT_PREFIX.length;
  if (firstWildcard < prefixLength) {
    // The wildcard sits inside `system:serviceaccount:`. If the literal text
    // before it is compatible with that prefix, it can reach any namespace.
    return SERVICE_ACCOUNT_SUBJECT_PREFIX.startsWith(
      value.slice(0, firstWildcard),
    )
      ? 'cluster'
      : 'none';
  }
  if (!value.startsWith(SERVICE_ACCOUNT_SUBJECT_PREFIX)) return 'none';
  const colon = value.indexOf(':', prefixLength);
  // `*` also matches `:`, so the namespace is fixed only when a literal colon
  // comes before the first wildcard.
  return colon !== -1 && colon < firstWildcard ? 'namespace' : 'cluster';
}

/** How wide a `:sub` pattern given as tokens (substituted variables) reaches. */
export function subjectPatternScope(
  tokens: readonly PatternToken[],
): SubjectScope {
  let text = '';
  let firstWildcard = -1;
  for (const token of tokens) {
    const at = token.literal ? -1 : firstWildcardIn(token.text);
    if (firstWildcard === -1 && at !== -1) firstWildcard = text.length + at;
    text += token.text;
  }
  return scopeOf(text, firstWildcard);
}

/**
 * How wide one condition value on `:sub` reaches.
 *
 * @param value - the condition value
 * @param wildcards - true under StringLike (`*` and `?` are wildcards); false
 *   under StringEquals, where they only match themselves
 * @param policyVariables - the policy substitutes variables (version
 *   2012-10-17): `${*}` and `${?}` are then the characters themselves, and
 *   any other variable, whose value is not known here, may be any text
 * @internal
 */
export function subjectValueScope(
  value: string,
  wildcards: boolean,
  policyVariables = false,
): SubjectScope {
  if (policyVariables && hasPolicyVariable(value)) {
    // Without a request every variable may be anything: an upper bound.
    const anything: VariableResolver = () => UNKNOWN_VALUE;
    return subjectPatternScope(
      substituteVariables(value, anything, wildcards)!.tokens,
    );
  }
  return wildcards
    ? scopeOf(value, firstWildcardIn(value))
    : literalScope(value);
}
