/**
 * Matching a request's resource ARN against the Resource / NotResource
 * patterns of a statement, as AWS documents it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
 * "Using wildcards in resource ARNs"):
 *
 * - `*` and `?` wildcard within the segments of an ARN (the parts between
 *   colons); `*` also matches `/`, so `bucket/*` covers every key;
 * - a `*` that is the last character of a segment "can expand to match
 *   beyond the colon boundaries": it may swallow the following segments;
 * - matching is case-sensitive;
 * - the pattern `*` alone matches every resource.
 *
 * A pattern is matched segment by segment: each pattern segment matches
 * exactly one request segment with the shared wildcard matcher, and a segment
 * ending in `*` may then swallow any number of further request segments. That
 * is the glob algorithm one level up (segments instead of characters), and it
 * backtracks the same way, only to the most recent swallowing segment: time
 * stays O(pattern × resource), whatever the policy text. No regular
 * expression is built from policy text.
 */
import { compilePattern, PatternToken, WildcardCompiler } from './wildcard';

/** One colon-separated segment of a pattern. */
interface PatternSegment {
  matches: (segment: string) => boolean;
  /** Ends in a wildcard `*`: may swallow the request segments after it. */
  swallowsFollowing: boolean;
}

/**
 * Whether the segments of a pattern match the segments of a resource:
 * glob matching over segments, backtracking only to the last segment that
 * may swallow (the proof is the character glob's: an earlier choice never
 * needs revisiting once a later swallowing segment has matched).
 */
function segmentsMatch(
  pattern: readonly PatternSegment[],
  resource: readonly string[],
): boolean {
  let p = 0;
  let r = 0;
  let resumePattern = -1; // the segment after the last swallowing one
  let swallowedUpTo = 0; // the request segments it has swallowed end here
  while (r < resource.length) {
    if (p < pattern.length && pattern[p].matches(resource[r])) {
      if (pattern[p].swallowsFollowing) {
        resumePattern = p + 1;
        swallowedUpTo = r + 1;
      }
      p++;
      r++;
      continue;
    }
    if (resumePattern === -1) return false;
    // The last swallowing segment takes one more request segment.
    swallowedUpTo++;
    r = swallowedUpTo;
    p = resumePattern;
  }
  return p === pattern.length;
}

function segmentOf(text: string, compile: WildcardCompiler): PatternSegment {
  return {
    matches: compile(text),
    swallowsFollowing: text.endsWith('*'),
  };
}

/**
 * Whether a Resource pattern (no policy variables) matches a resource: an
 * ARN, or `*` for a request on no particular resource.
 */
export function resourcePatternMatches(
  pattern: string,
  resource: string,
  compile: WildcardCompiler,
): boolean {
  if (pattern === '*') return true;
  const segments = pattern.split(':').map(text => segmentOf(text, compile));
  return segmentsMatch(segments, resource.split(':'));
}

/** Tokens split at every colon (a substituted value's colons included). */
function tokensBySegment(tokens: readonly PatternToken[]): PatternToken[][] {
  const segments: PatternToken[][] = [[]];
  for (const token of tokens) {
    token.text.split(':').forEach((text, i) => {
      if (i > 0) segments.push([]);
      if (text) segments[segments.length - 1].push({ ...token, text });
    });
  }
  return segments;
}

/**
 * {@link resourcePatternMatches} for a pattern whose policy variables were
 * substituted: the tokens say which characters are wildcards.
 */
export function resourceTokensMatch(
  tokens: readonly PatternToken[],
  resource: string,
): boolean {
  const segments = tokensBySegment(tokens).map(segment => {
    const last = segment[segment.length - 1];
    return {
      matches: compilePattern(segment),
      swallowsFollowing:
        last !== undefined && !last.literal && last.text.endsWith('*'),
    };
  });
  return segmentsMatch(segments, resource.split(':'));
}
