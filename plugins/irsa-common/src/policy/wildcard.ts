/**
 * IAM wildcard matching (`*` = any run of characters, `?` = exactly one), as
 * used by Action / NotAction, StringLike / StringNotLike and ArnLike.
 *
 * Matching sits on the hot path of every verdict, so patterns are compiled
 * once into the cheapest matcher that is exact for them (equality, prefix,
 * suffix, or an anchored regular expression) and cached.
 */

/**
 * A compiled wildcard pattern.
 *
 * @public
 */
export type WildcardMatcher = (value: string) => boolean;

const MAX_CACHED_MATCHERS = 20_000;
const caseSensitiveCache = new Map<string, WildcardMatcher>();
const ignoreCaseCache = new Map<string, WildcardMatcher>();
let cachingEnabled = true;

/**
 * Turns matcher caching on or off. Only the benchmark turns it off, to measure
 * what the cache buys.
 *
 * @internal
 */
export function setWildcardCaching(enabled: boolean): void {
  cachingEnabled = enabled;
  caseSensitiveCache.clear();
  ignoreCaseCache.clear();
}

/** True when the pattern contains `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The regular-expression source equivalent to an IAM wildcard pattern
 * (without anchors).
 */
export function wildcardToRegExpSource(pattern: string): string {
  let source = '';
  let literal = '';
  for (const char of pattern) {
    if (char === '*' || char === '?') {
      source +=
        escapeRegExp(literal) + (char === '*' ? '[\\s\\S]*' : '[\\s\\S]');
      literal = '';
    } else {
      literal += char;
    }
  }
  return source + escapeRegExp(literal);
}

function compile(pattern: string, ignoreCase: boolean): WildcardMatcher {
  const subject = ignoreCase ? pattern.toLowerCase() : pattern;
  const fold = ignoreCase
    ? (value: string) => value.toLowerCase()
    : (value: string) => value;
  if (pattern === '*') {
    return () => true;
  }
  const star = subject.indexOf('*');
  const question = subject.indexOf('?');
  if (star === -1 && question === -1) {
    return value => fold(value) === subject;
  }
  if (question === -1 && star === subject.length - 1) {
    const prefix = subject.slice(0, -1);
    return value => fold(value).startsWith(prefix);
  }
  if (question === -1 && star === 0 && subject.indexOf('*', 1) === -1) {
    const suffix = subject.slice(1);
    return value => fold(value).endsWith(suffix);
  }
  // Lower-case both sides rather than using the `i` flag, so that every path
  // folds case the same way.
  const regex = new RegExp(`^${wildcardToRegExpSource(subject)}$`, 'u');
  return value => regex.test(fold(value));
}

/**
 * Compiles an IAM wildcard pattern into a matcher (cached).
 *
 * @param pattern - the pattern, with `*` and `?` wildcards
 * @param ignoreCase - match case-insensitively (action names,
 *   `StringEqualsIgnoreCase`); IAM compares condition values case-sensitively
 * @public
 */
export function compileWildcard(
  pattern: string,
  ignoreCase = false,
): WildcardMatcher {
  if (!cachingEnabled) {
    return compile(pattern, ignoreCase);
  }
  const cache = ignoreCase ? ignoreCaseCache : caseSensitiveCache;
  let matcher = cache.get(pattern);
  if (!matcher) {
    if (cache.size >= MAX_CACHED_MATCHERS) {
      cache.clear();
    }
    matcher = compile(pattern, ignoreCase);
    cache.set(pattern, matcher);
  }
  return matcher;
}

/**
 * Whether `value` matches the IAM wildcard `pattern`.
 *
 * @public
 */
export function matchesWildcard(
  pattern: string,
  value: string,
  ignoreCase = false,
): boolean {
  return compileWildcard(pattern, ignoreCase)(value);
}
