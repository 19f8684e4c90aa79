/**
 * A bounded cache of parsed policies keyed by their text: inventory analyses
 * see the same trust and managed policies over and over, and parsing is the
 * most expensive step of a verdict.
 */
import type { PolicyDocument } from '../types';
import { parsePolicy, PolicyKind, PolicyParseResult } from './parse';

const MAX_CACHED_POLICIES = 5_000;
const caches: Record<PolicyKind, Map<string, PolicyParseResult>> = {
  trust: new Map(),
  permission: new Map(),
};
let cachingEnabled = true;

/**
 * Turns the parsed-policy cache on or off (see `setAnalysisCaching`).
 *
 * @internal
 */
export function setPolicyCaching(enabled: boolean): void {
  cachingEnabled = enabled;
  caches.trust.clear();
  caches.permission.clear();
}

/**
 * Parses a policy, reusing an earlier parse of the same text. Documents given
 * as objects are parsed each time (callers may mutate them).
 */
export function parsePolicyCached(
  input: string | PolicyDocument,
  kind: PolicyKind,
): PolicyParseResult {
  if (typeof input !== 'string' || !cachingEnabled) {
    return parsePolicy(input, kind);
  }
  const cache = caches[kind];
  let result = cache.get(input);
  if (!result) {
    if (cache.size >= MAX_CACHED_POLICIES) {
      // Drop the oldest entry (Maps iterate in insertion order).
      cache.delete(cache.keys().next().value as string);
    }
    result = parsePolicy(input, kind);
    cache.set(input, result);
  }
  return result;
}
