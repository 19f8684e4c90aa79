/**
 * Policy variables in condition values (`${aws:username}`, `${*}`).
 *
 * IAM substitutes them only in policies with `"Version": "2012-10-17"` and
 * only for the string and ARN operators; elsewhere `${...}` is plain text.
 * `${*}`, `${?}` and `${$}` stand for the characters themselves (never
 * wildcards); `${key, 'text'}` falls back to `text` when the request lacks
 * `key`; a variable the request lacks without a fallback matches nothing.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import type { PatternToken } from './wildcard';

type TemplatePart =
  | { kind: 'text'; text: string } // `*` and `?` may be wildcards
  | { kind: 'literal'; text: string } // `${*}`, `${?}`, `${$}`
  | { kind: 'variable'; keyLower: string; fallback?: string };

/**
 * What a variable's key (lower case) holds in the request: its value,
 * `undefined` when the request lacks it, or {@link UNKNOWN_VALUE} when it is
 * present but its value cannot be known here (global keys such as
 * `aws:SourceIp`).
 */
export type VariableResolver = (
  keyLower: string,
) => string | undefined | typeof UNKNOWN_VALUE;

/** See {@link VariableResolver}. */
export const UNKNOWN_VALUE: unique symbol = Symbol('unknown value');

/** True when a value uses a policy variable. */
export function hasPolicyVariable(value: string): boolean {
  return value.includes('${');
}

const SPECIAL_CHARACTERS = new Set(['*', '?', '$']);

function parseVariable(inner: string): TemplatePart {
  // `${key, 'fallback'}`: AWS separates them with a comma and a space.
  const comma = inner.indexOf(',');
  const fallback = comma === -1 ? '' : inner.slice(comma + 1).trim();
  if (
    fallback.length >= 2 &&
    fallback.startsWith("'") &&
    fallback.endsWith("'")
  ) {
    return {
      kind: 'variable',
      keyLower: inner.slice(0, comma).trim().toLowerCase(),
      fallback: fallback.slice(1, -1),
    };
  }
  return { kind: 'variable', keyLower: inner.trim().toLowerCase() };
}

/** Splits a value into its text, special characters and variables. */
function parseTemplate(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  // A scan with indexOf rather than a regular expression: linear on any input.
  for (let start = value.indexOf('${'); start !== -1; ) {
    const end = value.indexOf('}', start + 2);
    if (end === -1) break;
    if (start > from) {
      parts.push({ kind: 'text', text: value.slice(from, start) });
    }
    const inner = value.slice(start + 2, end).trim();
    parts.push(
      SPECIAL_CHARACTERS.has(inner)
        ? { kind: 'literal', text: inner }
        : parseVariable(inner),
    );
    from = end + 1;
    start = value.indexOf('${', from);
  }
  if (from < value.length) {
    parts.push({ kind: 'text', text: value.slice(from) });
  }
  return parts;
}

/**
 * True when `*` or `?` appears in the value's own text, outside `${...}`
 * (with `substitutes` false, anywhere: the policy does not substitute).
 */
export function valueHasWildcard(value: string, substitutes: boolean): boolean {
  if (!substitutes || !hasPolicyVariable(value)) {
    return value.includes('*') || value.includes('?');
  }
  return parseTemplate(value).some(
    part =>
      part.kind === 'text' &&
      (part.text.includes('*') || part.text.includes('?')),
  );
}

/** A condition value with its variables substituted. */
export interface SubstitutedValue {
  tokens: PatternToken[];
  /**
   * Some variable's value is unknown: it stands as `*` in `tokens`, so they
   * match everything the value might match.
   */
  unknown: boolean;
}

/**
 * Substitutes the policy variables of a condition value.
 *
 * @param value - the value as written
 * @param resolve - looks a variable up in the request
 * @param wildcards - whether `*` and `?` in the value's own text are
 *   wildcards (StringLike, ARN operators) or literal (StringEquals)
 * @returns the tokens, or undefined when a variable the request lacks has no
 *   fallback: the value then matches nothing
 */
export function substituteVariables(
  value: string,
  resolve: VariableResolver,
  wildcards: boolean,
): SubstitutedValue | undefined {
  const tokens: PatternToken[] = [];
  let unknown = false;
  for (const part of parseTemplate(value)) {
    if (part.kind === 'literal') {
      tokens.push({ text: part.text, literal: true });
    } else if (part.kind === 'text') {
      tokens.push({ text: part.text, literal: !wildcards });
    } else {
      const resolved = resolve(part.keyLower) ?? part.fallback;
      if (resolved === undefined) return undefined;
      if (resolved === UNKNOWN_VALUE) {
        unknown = true;
        tokens.push({ text: '*' });
      } else {
        tokens.push({ text: resolved, literal: true });
      }
    }
  }
  return { tokens, unknown };
}
