/**
 * IAM condition operators and their evaluation against a request context,
 * following AWS's documented rules:
 *
 * - several values of one key are ORed (NORed for negated operators);
 * - a key absent from the request makes a positive operator false and a
 *   negated one (`StringNotEquals`, `StringNotLike`, ...) true;
 * - `...IfExists` is true when the key is absent;
 * - `Null` tests presence (`"true"` = must be absent);
 * - `ForAnyValue:` needs one request value to match (false on an absent key),
 *   `ForAllValues:` needs every request value to match (true on an absent key).
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import {
  compilePattern,
  compileWildcard,
  foldCase,
  PatternToken,
  WildcardCompiler,
} from './wildcard';

/**
 * A condition operator without `ForAnyValue:` / `ForAllValues:` and `IfExists`.
 *
 * @internal
 */
export type ConditionOperatorBase =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

/** Operator families without qualifiers or the IfExists suffix. */
const BASE_OPERATORS: readonly ConditionOperatorBase[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];

/**
 * A parsed condition operator such as `ForAnyValue:StringLikeIfExists`.
 *
 * @internal
 */
export interface ConditionOperator {
  /** As written in the policy. */
  name: string;
  base: ConditionOperatorBase;
  qualifier?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  /** Negated matching: true when no policy value matches. */
  negated: boolean;
}

const baseByLowerName = new Map<string, ConditionOperatorBase>(
  BASE_OPERATORS.map(op => [op.toLowerCase(), op]),
);

const NEGATED = new Set<ConditionOperatorBase>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

/**
 * Parses a condition operator name; undefined when IAM would reject it.
 *
 * @internal
 */
export function parseConditionOperator(
  name: string,
): ConditionOperator | undefined {
  let rest = name;
  let qualifier: ConditionOperator['qualifier'];
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') {
      qualifier = 'ForAnyValue';
    } else if (prefix === 'forallvalues') {
      qualifier = 'ForAllValues';
    } else {
      return undefined;
    }
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = baseByLowerName.get(rest.toLowerCase());
  if (!base || (base === 'Null' && (ifExists || qualifier))) {
    return undefined;
  }
  return { name, base, qualifier, ifExists, negated: NEGATED.has(base) };
}

/** True for the string operators that compare with `*` / `?` wildcards. */
export function isLikeOperator(base: ConditionOperatorBase): boolean {
  return base === 'StringLike' || base === 'StringNotLike';
}

/** True for the string operators that compare literally. */
export function isEqualsOperator(base: ConditionOperatorBase): boolean {
  return (
    base === 'StringEquals' ||
    base === 'StringNotEquals' ||
    base === 'StringEqualsIgnoreCase' ||
    base === 'StringNotEqualsIgnoreCase'
  );
}

/**
 * True for the operators whose values may use policy variables: the string
 * and ARN operators (reference_policies_variables.html, "Condition element").
 */
export function acceptsPolicyVariables(base: ConditionOperatorBase): boolean {
  return base.startsWith('String') || base.startsWith('Arn');
}

/** True for the positive string operators (the ones that admit values). */
export function isPositiveStringOperator(base: ConditionOperatorBase): boolean {
  return (
    base === 'StringEquals' ||
    base === 'StringEqualsIgnoreCase' ||
    base === 'StringLike'
  );
}

function parseNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    return Number(text) * 1000; // epoch seconds
  }
  const value = Date.parse(text);
  return Number.isNaN(value) ? undefined : value;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [network, bitsText] = cidr.split('/');
  const address = parseIpv4(ip);
  const base = parseIpv4(network);
  if (address === undefined || base === undefined) {
    // IPv6 or malformed: only an exact textual match is certain.
    return ip.toLowerCase() === cidr.toLowerCase();
  }
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) === Math.floor(base / size);
}

function arnMatches(
  pattern: string,
  value: string,
  compile: WildcardCompiler,
): boolean {
  // ArnEquals and ArnLike check each of the six ARN components separately;
  // wildcards never match across a colon in the first five.
  const patternParts = pattern.split(':');
  const valueParts = value.split(':');
  if (patternParts.length < 6 || valueParts.length < 6) {
    return compile(pattern)(value);
  }
  for (let i = 0; i < 5; i++) {
    if (!compile(patternParts[i])(valueParts[i])) return false;
  }
  return compile(patternParts.slice(5).join(':'))(
    valueParts.slice(5).join(':'),
  );
}

/** Tokens split at every colon, as {@link arnMatches} splits text. */
function splitAtColons(tokens: readonly PatternToken[]): PatternToken[][] {
  const parts: PatternToken[][] = [[]];
  for (const token of tokens) {
    token.text.split(':').forEach((text, i) => {
      if (i > 0) parts.push([]);
      parts[parts.length - 1].push({ text, literal: token.literal });
    });
  }
  return parts;
}

/** {@link arnMatches} for a pattern with substituted policy variables. */
function arnMatchesTokens(
  tokens: readonly PatternToken[],
  value: string,
): boolean {
  const patternParts = splitAtColons(tokens);
  const valueParts = value.split(':');
  if (patternParts.length < 6 || valueParts.length < 6) {
    return compilePattern(tokens)(value);
  }
  for (let i = 0; i < 5; i++) {
    if (!compilePattern(patternParts[i])(valueParts[i])) return false;
  }
  const resource = patternParts
    .slice(5)
    .flatMap((part, i) => (i === 0 ? part : [{ text: ':' }, ...part]));
  return compilePattern(resource)(valueParts.slice(5).join(':'));
}

/**
 * Compares one request value with one policy value under an operator family,
 * before negation. `compile` compiles the wildcards of the Like and ARN
 * operators (a cache's, to reuse them).
 */
export function compareConditionValue(
  base: ConditionOperatorBase,
  requestValue: string,
  policyValue: string,
  compile: WildcardCompiler = compileWildcard,
): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
    case 'BinaryEquals':
      return requestValue === policyValue;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return foldCase(requestValue) === foldCase(policyValue);
    case 'StringLike':
    case 'StringNotLike':
      return compile(policyValue)(requestValue);
    case 'Bool':
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnMatches(policyValue, requestValue, compile);
    case 'IpAddress':
    case 'NotIpAddress':
      return ipInCidr(requestValue, policyValue);
    default:
      break;
  }
  if (base.startsWith('Numeric')) {
    const a = parseNumber(requestValue);
    const b = parseNumber(policyValue);
    return a !== undefined && b !== undefined && compareOrdered(base, a, b);
  }
  if (base.startsWith('Date')) {
    const a = parseDate(requestValue);
    const b = parseDate(policyValue);
    return a !== undefined && b !== undefined && compareOrdered(base, a, b);
  }
  return false;
}

/**
 * {@link compareConditionValue} for a policy value whose variables were
 * substituted (string and ARN operators only): the tokens say which
 * characters are wildcards.
 */
export function compareConditionTokens(
  base: ConditionOperatorBase,
  requestValue: string,
  tokens: readonly PatternToken[],
): boolean {
  if (base.startsWith('Arn')) return arnMatchesTokens(tokens, requestValue);
  return compilePattern(tokens, base.endsWith('IgnoreCase'))(requestValue);
}

function compareOrdered(
  base: ConditionOperatorBase,
  a: number,
  b: number,
): boolean {
  if (base.endsWith('NotEquals')) return a === b; // negated by the caller
  if (base.endsWith('LessThanEquals')) return a <= b;
  if (base.endsWith('LessThan')) return a < b;
  if (base.endsWith('GreaterThanEquals')) return a >= b;
  if (base.endsWith('GreaterThan')) return a > b;
  return a === b;
}

/**
 * Evaluates one (operator, key) entry of a Condition block.
 *
 * @param operator - the parsed operator
 * @param policyValues - the entry's values (ORed)
 * @param requestValues - the key's values in the request; undefined when the
 *   key is absent
 * @param matchValue - compares a request value with the policy values before
 *   negation; by default each policy value is compared with
 *   {@link compareConditionValue}
 * @param compile - compiles wildcards for the default comparison
 */
export function evaluateConditionEntry(
  operator: ConditionOperator,
  policyValues: readonly string[],
  requestValues: readonly string[] | undefined,
  matchValue?: (requestValue: string) => boolean,
  compile: WildcardCompiler = compileWildcard,
): boolean {
  const absent = requestValues === undefined || requestValues.length === 0;
  if (operator.base === 'Null') {
    return policyValues.some(
      value => (value.toLowerCase() === 'true') === absent,
    );
  }
  if (absent) {
    if (operator.ifExists) return true;
    if (operator.qualifier === 'ForAllValues') return true;
    if (operator.qualifier === 'ForAnyValue') return false;
    return operator.negated;
  }
  // A plain loop rather than closures: this runs for every condition of
  // every verdict.
  const forAll = operator.qualifier === 'ForAllValues';
  for (const requestValue of requestValues) {
    let matched: boolean;
    if (matchValue) {
      matched = matchValue(requestValue);
    } else {
      matched = false;
      for (const policyValue of policyValues) {
        if (
          compareConditionValue(
            operator.base,
            requestValue,
            policyValue,
            compile,
          )
        ) {
          matched = true;
          break;
        }
      }
    }
    const holds = operator.negated ? !matched : matched;
    // ForAllValues needs every request value; ForAnyValue (and a multi-valued
    // key without a qualifier) needs one.
    if (forAll && !holds) return false;
    if (!forAll && holds) return true;
  }
  return forAll;
}
