/**
 * IAM wildcard matching (`*` = any run of characters, `?` = exactly one), as
 * used by Action / NotAction, StringLike / StringNotLike and the ARN
 * operators.
 *
 * Patterns come from policies anyone can write, so no regular expression is
 * built from them: a backtracking engine takes exponential time on
 * `*a*a*a*b`. A pattern compiles to the cheapest exact matcher (equality,
 * prefix, suffix) or to a glob matcher that only ever backtracks to the last
 * `*`, which is O(pattern × value) at worst. Compiling is cheap; callers that
 * match the same patterns again and again keep the matchers in their
 * AnalysisCache.
 */

/**
 * A compiled wildcard pattern.
 *
 * @internal
 */
export type WildcardMatcher = (value: string) => boolean;

/** Compiles a pattern: {@link compileWildcard}, or a cache in front of it. */
export type WildcardCompiler = (
  pattern: string,
  ignoreCase?: boolean,
) => WildcardMatcher;

/**
 * A piece of a pattern. `*` and `?` in `text` are wildcards unless `literal`
 * (the policy variables `${*}` / `${?}`, substituted values, StringEquals).
 */
export interface PatternToken {
  text: string;
  literal?: boolean;
}

/** True when the pattern contains `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

// The only characters whose String#toLowerCase is not one code point for one
// code point: final sigma depends on the neighbouring letters, and U+0130
// lower-cases to two code points.
const CONTEXTUAL_LOWER_CASE = /[\u0130\u03a3]/;

/**
 * Case folding for the IgnoreCase comparisons and action names: each code
 * point on its own to its simple lower-case mapping, so that a pattern and a
 * value fold alike whatever surrounds each character (a `*` included).
 */
export function foldCase(text: string): string {
  if (!CONTEXTUAL_LOWER_CASE.test(text)) return text.toLowerCase();
  let folded = '';
  for (const char of text) {
    folded += String.fromCodePoint(char.toLowerCase().codePointAt(0)!);
  }
  return folded;
}

const LITERAL = 0;
const STAR = 1;
const ANY = 2;

/** The index after the code point at `index` (a surrogate pair is one). */
function nextCodePoint(value: string, index: number): number {
  const code = value.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < value.length) {
    const low = value.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return index + 2;
  }
  return index + 1;
}

/**
 * Glob matching that backtracks only to the most recent `*`: when what
 * follows a `*` fails, that `*` takes one more character and the rest is
 * retried. Earlier stars never need revisiting, so each retry costs at most
 * the pattern's length and there are at most as many retries as characters.
 */
function globMatch(text: string, kinds: Uint8Array, value: string): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (j < value.length) {
    if (i < text.length) {
      const kind = kinds[i];
      if (kind === STAR) {
        star = i++;
        resume = j;
        continue;
      }
      if (kind === ANY) {
        i++;
        j = nextCodePoint(value, j);
        continue;
      }
      if (text.charCodeAt(i) === value.charCodeAt(j)) {
        i++;
        j++;
        continue;
      }
    }
    if (star === -1) return false;
    i = star + 1;
    resume = nextCodePoint(value, resume);
    j = resume;
  }
  while (i < text.length && kinds[i] === STAR) i++;
  return i === text.length;
}

/** The cheapest exact matcher for a pattern flattened to text and kinds. */
function matcherFor(
  text: string,
  kinds: Uint8Array,
  ignoreCase: boolean,
): WildcardMatcher {
  let stars = 0;
  let anys = 0;
  for (const kind of kinds) {
    if (kind === STAR) stars++;
    else if (kind === ANY) anys++;
  }
  if (stars === 1 && anys === 0 && text.length === 1) return () => true;
  // Folding keeps what already matches the folded pattern matching, so a
  // value is folded only when it does not match as it is.
  const either = (test: (value: string) => boolean): WildcardMatcher =>
    ignoreCase ? value => test(value) || test(foldCase(value)) : test;
  if (stars === 0 && anys === 0) return either(value => value === text);
  if (stars === 1 && anys === 0) {
    if (kinds[text.length - 1] === STAR) {
      const prefix = text.slice(0, -1);
      return either(value => value.startsWith(prefix));
    }
    if (kinds[0] === STAR) {
      const suffix = text.slice(1);
      return either(value => value.endsWith(suffix));
    }
  }
  return ignoreCase
    ? value => globMatch(text, kinds, foldCase(value))
    : value => globMatch(text, kinds, value);
}

/**
 * Compiles a pattern given as tokens (substituted policy variables: they
 * differ from request to request, so they are never cached).
 */
export function compilePattern(
  tokens: readonly PatternToken[],
  ignoreCase = false,
): WildcardMatcher {
  let text = '';
  const kinds: number[] = [];
  for (const token of tokens) {
    // Folding is per code point, so folding token by token is folding the whole.
    const part = ignoreCase ? foldCase(token.text) : token.text;
    for (let i = 0; i < part.length; i++) {
      const code = part.charCodeAt(i);
      if (token.literal) kinds.push(LITERAL);
      else if (code === 42) kinds.push(STAR);
      else if (code === 63) kinds.push(ANY);
      else kinds.push(LITERAL);
    }
    text += part;
  }
  return matcherFor(text, Uint8Array.from(kinds), ignoreCase);
}

/**
 * Compiles an IAM wildcard pattern into a matcher.
 *
 * @param pattern - the pattern, with `*` and `?` wildcards
 * @param ignoreCase - match case-insensitively (action names); IAM compares
 *   condition values case-sensitively
 * @internal
 */
export function compileWildcard(
  pattern: string,
  ignoreCase = false,
): WildcardMatcher {
  return compilePattern([{ text: pattern }], ignoreCase);
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
