/**
 * Validation of Kubernetes label selectors (`app=web,tier in (a,b),!canary`)
 * taken from entity annotations, before they reach an API server. One pass of
 * a tokenizer and a recursive-descent parser: linear time, no regular
 * expressions on the input.
 */
import { validateDns1123Subdomain } from '@irsa-backstage/plugin-irsa-common';

/** Longer selectors are refused before parsing. */
const MAX_SELECTOR_LENGTH = 4096;
const MAX_NAME_LENGTH = 63;

type Token = { kind: 'name' | 'op' | '(' | ')' | ',' | '!'; text: string };
type Operator = '=' | '==' | '!=' | 'in' | 'notin' | '<' | '>' | 'exists' | '!exists';

/** A parsed requirement: key, operator, values. */
export type LabelRequirement = { key: string; operator: Operator; values: string[] };

/** `s` quoted for a message: escaped, and shortened past what any valid part can be. */
function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

function isAlphanumeric(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/** A label name or non-empty value: up to 63 of `A-Za-z0-9-_.`, alphanumeric at both ends. */
function isLabelToken(s: string): boolean {
  if (s.length === 0 || s.length > MAX_NAME_LENGTH) return false;
  if (!isAlphanumeric(s[0]) || !isAlphanumeric(s[s.length - 1])) return false;
  for (const c of s) {
    if (!isAlphanumeric(c) && c !== '-' && c !== '_' && c !== '.') return false;
  }
  return true;
}

/** Why `key` is not a label key (`[prefix/]name`), or undefined. */
export function validateLabelKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0 && validateDns1123Subdomain(key.slice(0, slash))) {
    return `label key ${quote(key)} has an invalid prefix (must be a DNS subdomain)`;
  }
  if (!isLabelToken(name)) {
    return `label key ${quote(key)} must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a label value (empty is allowed), or undefined. */
export function validateLabelValue(value: string): string | undefined {
  return value === '' || isLabelToken(value)
    ? undefined
    : `label value ${quote(value)} must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
}

const SPECIAL = new Set(['(', ')', ',', '!', '=', '<', '>']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function tokenize(selector: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < selector.length) {
    const c = selector[i];
    const next = selector[i + 1];
    if (isSpace(c)) {
      i += 1;
    } else if ((c === '=' && next === '=') || (c === '!' && next === '=')) {
      tokens.push({ kind: 'op', text: c + next });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c });
      i += 1;
    } else if (c === '(' || c === ')' || c === ',' || c === '!') {
      tokens.push({ kind: c, text: c });
      i += 1;
    } else {
      const start = i;
      while (i < selector.length && !isSpace(selector[i]) && !SPECIAL.has(selector[i])) i += 1;
      tokens.push({ kind: 'name', text: selector.slice(start, i) });
    }
  }
  return tokens;
}

class SelectorError extends Error {}

/** Recursive descent over the tokens; throws SelectorError with what is wrong. */
class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): LabelRequirement[] {
    const requirements = [this.requirement()];
    while (this.peek()) {
      this.expect(',', 'between requirements');
      requirements.push(this.requirement());
    }
    return requirements;
  }

  private requirement(): LabelRequirement {
    if (this.peek()?.kind === '!') {
      this.position += 1;
      return { key: this.key(), operator: '!exists', values: [] };
    }
    const key = this.key();
    const token = this.peek();
    if (!token || token.kind === ',') return { key, operator: 'exists', values: [] };
    this.position += 1;
    if (token.kind === 'op' && (token.text === '<' || token.text === '>')) {
      const value = this.name(`a number after ${quote(`${key} ${token.text}`)}`);
      if (!/^-?\d{1,18}$/.test(value)) throw new SelectorError(`"${key} ${token.text}" needs a whole number, got ${quote(value)}`);
      return { key, operator: token.text, values: [value] };
    }
    if (token.kind === 'op') {
      return { key, operator: token.text as Operator, values: [this.value()] };
    }
    if (token.kind === 'name' && (token.text === 'in' || token.text === 'notin')) {
      return { key, operator: token.text, values: this.valueSet(key) };
    }
    throw new SelectorError(`unexpected ${quote(token.text)} after ${quote(key)}`);
  }

  private valueSet(key: string): string[] {
    this.expect('(', `after ${quote(`${key} in`)}`);
    const values = [this.value()];
    while (this.peek()?.kind === ',') {
      this.position += 1;
      values.push(this.value());
    }
    this.expect(')', `to close the values of ${quote(key)}`);
    if (values.length === 1 && values[0] === '') {
      throw new SelectorError(`the values of ${quote(key)} must not be empty`);
    }
    return values;
  }

  private key(): string {
    const key = this.name('a label key');
    const problem = validateLabelKey(key);
    if (problem) throw new SelectorError(problem);
    return key;
  }

  /** A value, which may be empty (`app=`). */
  private value(): string {
    const token = this.peek();
    if (token?.kind !== 'name') return '';
    this.position += 1;
    const problem = validateLabelValue(token.text);
    if (problem) throw new SelectorError(problem);
    return token.text;
  }

  private name(what: string): string {
    const token = this.peek();
    if (token?.kind !== 'name') {
      throw new SelectorError(`expected ${what}, got ${token ? quote(token.text) : 'the end'}`);
    }
    this.position += 1;
    return token.text;
  }

  private expect(kind: Token['kind'], where: string) {
    const token = this.peek();
    if (token?.kind !== kind) {
      throw new SelectorError(`expected "${kind}" ${where}, got ${token ? quote(token.text) : 'the end'}`);
    }
    this.position += 1;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }
}

/** The requirements of a label selector, or why it is not one. */
export function parseLabelSelector(
  selector: string,
): { requirements: LabelRequirement[] } | { problem: string } {
  if (selector.length > MAX_SELECTOR_LENGTH) {
    return { problem: `is longer than ${MAX_SELECTOR_LENGTH} characters` };
  }
  const tokens = tokenize(selector);
  if (tokens.length === 0) return { problem: 'is empty (it would select everything)' };
  try {
    return { requirements: new Parser(tokens).parse() };
  } catch (e) {
    if (e instanceof SelectorError) return { problem: e.message };
    throw e;
  }
}

/**
 * Why `selector` may not be used to find an entity's objects, or undefined.
 * Beyond valid syntax it must pin at least one label to a value (`=`, `==` or
 * `in`): a selector of only `!=`, `notin` or existence tests matches most of a
 * cluster, which is not one entity.
 */
export function validateEntitySelector(selector: string): string | undefined {
  const parsed = parseLabelSelector(selector);
  if ('problem' in parsed) return parsed.problem;
  const pins = parsed.requirements.some(r => ['=', '==', 'in'].includes(r.operator));
  return pins
    ? undefined
    : 'pins no label to a value (needs at least one "=", "==" or "in" requirement)';
}

/** Whether labels meet every requirement, as the API server decides. */
export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string>): boolean {
  return requirements.every(r => matchesRequirement(r, labels));
}

function matchesRequirement({ key, operator, values }: LabelRequirement, labels: Record<string, string>): boolean {
  const value = labels[key];
  switch (operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case '<':
      return value !== undefined && Number(value) < Number(values[0]);
    case '>':
      return value !== undefined && Number(value) > Number(values[0]);
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}
