/**
 * Parsing and validation of IAM policy documents.
 *
 * Documents arrive as objects, JSON text, or URL-encoded JSON: the IAM API
 * URL-encodes them, while moto (and some list calls) return plain JSON, and
 * the AWS SDK decodes neither. Text that starts with `{` is JSON; anything
 * else is decoded first.
 */
import type {
  PolicyCondition,
  PolicyDocument,
  PolicyPrincipal,
  PolicyStatement,
} from '../types';
import {
  ConditionOperator,
  parseConditionOperator,
  acceptsPolicyVariables,
} from './conditions';
import { hasPolicyVariable, valueHasWildcard } from './variables';
import { compactPolicyText, decodePolicyText } from './text';

/**
 * Which kind of policy a document is: trust policies need a Principal and may
 * not name a Resource; permission policies are the other way round.
 *
 * @public
 */
export type PolicyKind = 'trust' | 'permission';

/**
 * Thrown by {@link parsePolicyDocument} for text or structure IAM would
 * reject; `problems` lists everything found.
 *
 * @public
 */
export class PolicyParseError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'PolicyParseError';
    this.problems = problems;
  }
}

/** A policy document whose `Statement` is always an array. */
export interface NormalizedPolicyDocument extends PolicyDocument {
  Statement: PolicyStatement[];
}

/** One (operator, key) entry of a statement's Condition block. */
export interface ParsedCondition {
  operator: ConditionOperator;
  /** The key as written. */
  key: string;
  keyLower: string;
  /** The key before its last colon (e.g. an issuer), lower case; undefined without a colon. */
  keyPrefixLower?: string;
  /** The key after its last colon (e.g. `sub`), lower case. */
  claimLower: string;
  values: string[];
  /**
   * Some value uses `${...}`, and both the policy version and the operator
   * substitute variables.
   */
  usesVariables: boolean;
  /**
   * The values with `*` or `?` in their own text (wildcards only under Like
   * operators); `${*}` and `${?}` do not count where variables are
   * substituted: they are the characters themselves.
   */
  wildcardValues: string[];
}

/** Principal / NotPrincipal, normalised for matching. */
export interface ParsedPrincipal {
  element: 'Principal' | 'NotPrincipal';
  /** `"*"` or `{"AWS": "*"}`: every principal. */
  any: boolean;
  /** Principal type in lower case (`federated`, `aws`, `service`) to values. */
  byType: Map<string, string[]>;
  /** Federated values in lower case, for case-insensitive provider matching. */
  federatedLower: string[];
}

/** A statement, normalised for evaluation. */
export interface ParsedStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: ParsedPrincipal;
  actionElement: 'Action' | 'NotAction';
  actions: string[];
  resourceElement?: 'Resource' | 'NotResource';
  resources: string[];
  conditions: ParsedCondition[];
}

/** A parsed policy: the normalised document and its statements. */
export interface ParsedPolicy {
  document: NormalizedPolicyDocument;
  statements: ParsedStatement[];
  /** Size as IAM counts it: characters without whitespace outside strings. */
  size: number;
}

/** Either a parsed policy or the problems that make it invalid. */
export type PolicyParseResult =
  | { ok: true; policy: ParsedPolicy }
  | { ok: false; problems: string[] };

const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const TOP_LEVEL_FIELDS = new Set(['Version', 'Id', 'Statement']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(
  value: unknown,
  field: string,
  problems: string[],
): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    problems.push(`${field} is an empty list`);
  }
  const strings: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      strings.push(item);
    } else {
      problems.push(`${field} must be a string or a list of strings`);
      break;
    }
  }
  return strings;
}

function parsePrincipal(
  value: unknown,
  element: 'Principal' | 'NotPrincipal',
  where: string,
  problems: string[],
): ParsedPrincipal | undefined {
  if (value === '*') {
    return { element, any: true, byType: new Map(), federatedLower: [] };
  }
  if (!isRecord(value)) {
    problems.push(`${where}: ${element} must be "*" or an object`);
    return undefined;
  }
  const byType = new Map<string, string[]>();
  let any = false;
  for (const [type, raw] of Object.entries(value)) {
    const values = stringList(raw, `${where}: ${element}.${type}`, problems);
    byType.set(type.toLowerCase(), values);
    if (type === 'AWS' && values.includes('*')) {
      any = true; // `{"AWS": "*"}` means everyone, like `"*"`
    }
  }
  const federatedLower = (byType.get('federated') ?? []).map(v =>
    v.toLowerCase(),
  );
  return { element, any, byType, federatedLower };
}

function splitKey(keyLower: string) {
  const colon = keyLower.lastIndexOf(':');
  return {
    keyLower,
    keyPrefixLower: colon === -1 ? undefined : keyLower.slice(0, colon),
    claimLower: keyLower.slice(colon + 1),
  };
}

/** The values of one condition key: scalars, alone or in a list. */
function conditionValues(
  raw: unknown,
  field: string,
  problems: string[],
): string[] {
  const values: string[] = [];
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    if (
      typeof item !== 'string' &&
      typeof item !== 'number' &&
      typeof item !== 'boolean'
    ) {
      problems.push(
        `${field} must be a string, number, boolean or a list of them`,
      );
      break;
    }
    values.push(String(item));
  }
  return values;
}

function parseConditions(
  value: unknown,
  where: string,
  substitutesVariables: boolean,
  problems: string[],
): ParsedCondition[] {
  if (!isRecord(value)) {
    problems.push(`${where}: Condition must be an object`);
    return [];
  }
  const conditions: ParsedCondition[] = [];
  for (const [operatorName, entries] of Object.entries(value)) {
    const operator = parseConditionOperator(operatorName);
    if (!operator) {
      problems.push(`${where}: unknown condition operator "${operatorName}"`);
      continue;
    }
    if (!isRecord(entries)) {
      problems.push(`${where}: Condition.${operatorName} must be an object`);
      continue;
    }
    for (const [key, raw] of Object.entries(entries)) {
      const values = conditionValues(
        raw,
        `${where}: Condition.${operatorName}["${key}"]`,
        problems,
      );
      const substitutes =
        substitutesVariables && acceptsPolicyVariables(operator.base);
      conditions.push({
        operator,
        key,
        ...splitKey(key.toLowerCase()),
        values,
        wildcardValues: values.filter(v => valueHasWildcard(v, substitutes)),
        usesVariables: substitutes && values.some(hasPolicyVariable),
      });
    }
  }
  return conditions;
}

/**
 * Which of an element and its `Not` form a statement uses; `both` (a
 * problem) or undefined when neither.
 */
function elementOf<E extends 'Principal' | 'Action' | 'Resource'>(
  raw: Record<string, unknown>,
  element: E,
  where: string,
  problems: string[],
): E | `Not${E}` | 'both' | undefined {
  const not = `Not${element}` as const;
  if (element in raw && not in raw) {
    problems.push(`${where}: has both ${element} and ${not}`);
    return 'both';
  }
  if (element in raw) return element;
  return not in raw ? not : undefined;
}

/** Principal / NotPrincipal: required in trust policies, refused in others. */
function parsePrincipalElement(
  raw: Record<string, unknown>,
  where: string,
  kind: PolicyKind,
  problems: string[],
): ParsedPrincipal | undefined {
  const element = elementOf(raw, 'Principal', where, problems);
  if (element === 'both') return undefined;
  if (element === undefined) {
    if (kind === 'trust') {
      problems.push(`${where}: a trust policy needs a Principal`);
    }
    return undefined;
  }
  if (kind === 'permission') {
    problems.push(`${where}: a permission policy must not name a ${element}`);
  }
  return parsePrincipal(raw[element], element, where, problems);
}

/** Action / NotAction: required, each `service:Action` or `*`. */
function parseActionElement(
  raw: Record<string, unknown>,
  where: string,
  problems: string[],
): Pick<ParsedStatement, 'actionElement' | 'actions'> {
  const element = elementOf(raw, 'Action', where, problems);
  if (element === 'both' || element === undefined) {
    if (!element) problems.push(`${where}: needs an Action or NotAction`);
    return { actionElement: 'Action', actions: [] };
  }
  const actions = stringList(raw[element], `${where}: ${element}`, problems);
  for (const action of actions) {
    if (action !== '*' && !/^[^:\s]+:[^:\s]+$/.test(action)) {
      problems.push(
        `${where}: action "${action}" must look like "service:Action" or be "*"`,
      );
    }
  }
  return { actionElement: element, actions };
}

/** Resource / NotResource: required in permission policies, refused in trust. */
function parseResourceElement(
  raw: Record<string, unknown>,
  where: string,
  kind: PolicyKind,
  problems: string[],
): Pick<ParsedStatement, 'resourceElement' | 'resources'> {
  const element = elementOf(raw, 'Resource', where, problems);
  if (element === 'both' || element === undefined) {
    if (!element && kind === 'permission') {
      problems.push(
        `${where}: a permission policy needs a Resource or NotResource`,
      );
    }
    return { resourceElement: undefined, resources: [] };
  }
  if (kind === 'trust') {
    problems.push(`${where}: a trust policy must not name a ${element}`);
  }
  const resources = stringList(raw[element], `${where}: ${element}`, problems);
  return { resourceElement: element, resources };
}

function parseStatement(
  raw: unknown,
  index: number,
  kind: PolicyKind,
  substitutesVariables: boolean,
  problems: string[],
): ParsedStatement | undefined {
  const where = `Statement[${index}]`;
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object`);
    return undefined;
  }
  for (const field of Object.keys(raw)) {
    if (!STATEMENT_FIELDS.has(field)) {
      problems.push(`${where}: unknown field "${field}"`);
    }
  }
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    problems.push(`${where}: Effect must be "Allow" or "Deny"`);
  }
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') {
    problems.push(`${where}: Sid must be a string`);
  }
  return {
    index,
    sid: typeof raw.Sid === 'string' ? raw.Sid : undefined,
    effect: effect === 'Deny' ? 'Deny' : 'Allow',
    principal: parsePrincipalElement(raw, where, kind, problems),
    ...parseActionElement(raw, where, problems),
    ...parseResourceElement(raw, where, kind, problems),
    conditions:
      raw.Condition === undefined
        ? []
        : parseConditions(raw.Condition, where, substitutesVariables, problems),
  };
}

/** The JSON value of a policy given as text, and its size as IAM counts it. */
function readPolicyText(
  input: string,
): { value: unknown; size: number } | { problems: string[] } {
  let text: string;
  try {
    text = decodePolicyText(input);
  } catch {
    return { problems: ['the text is neither JSON nor URL-encoded JSON'] };
  }
  try {
    return { value: JSON.parse(text), size: compactPolicyText(text).length };
  } catch (error) {
    return { problems: [`not valid JSON: ${(error as Error).message}`] };
  }
}

/** Checks the top level of a policy; its statements, always as a list. */
function topLevelStatements(
  value: Record<string, unknown>,
  problems: string[],
): unknown[] {
  for (const field of Object.keys(value)) {
    if (!TOP_LEVEL_FIELDS.has(field)) {
      problems.push(`unknown top-level field "${field}"`);
    }
  }
  if (value.Version !== undefined && !VERSIONS.has(value.Version as string)) {
    problems.push('Version must be "2012-10-17" (or the legacy "2008-10-17")');
  }
  if (value.Statement === undefined) {
    problems.push('the policy has no Statement');
    return [];
  }
  return Array.isArray(value.Statement) ? value.Statement : [value.Statement];
}

/**
 * Parses and validates a policy without throwing.
 *
 * @param input - object, JSON text or URL-encoded JSON text
 * @param kind - trust or permission policy
 */
export function parsePolicy(
  input: string | PolicyDocument | unknown,
  kind: PolicyKind,
): PolicyParseResult {
  const read =
    typeof input === 'string' ? readPolicyText(input) : { value: input };
  if ('problems' in read) return { ok: false, problems: read.problems };
  const value = read.value;
  if (!isRecord(value)) {
    return { ok: false, problems: ['a policy must be a JSON object'] };
  }
  const problems: string[] = [];
  const rawStatements = topLevelStatements(value, problems);
  // IAM substitutes ${...} only in version 2012-10-17 policies.
  const substitutesVariables = value.Version === '2012-10-17';
  const statements: ParsedStatement[] = [];
  rawStatements.forEach((raw, index) => {
    const statement = parseStatement(
      raw,
      index,
      kind,
      substitutesVariables,
      problems,
    );
    if (statement) statements.push(statement);
  });
  if (problems.length > 0) return { ok: false, problems };
  const document = {
    ...(value as unknown as PolicyDocument),
    Statement: rawStatements as PolicyStatement[],
  };
  const size = 'size' in read ? read.size : JSON.stringify(value).length;
  return { ok: true, policy: { document, statements, size } };
}

/**
 * Parses a policy document from any of IAM's forms and validates its shape;
 * throws a {@link PolicyParseError} naming every problem.
 *
 * @param input - object, JSON text or URL-encoded JSON text
 * @param kind - `trust` (needs Principal, no Resource) or `permission`
 *   (needs Resource, no Principal); default `permission`
 * @returns the document, with `Statement` always an array
 * @public
 */
export function parsePolicyDocument(
  input: string | PolicyDocument,
  kind: PolicyKind = 'permission',
): PolicyDocument & { Statement: PolicyStatement[] } {
  const result = parsePolicy(input, kind);
  if (!result.ok) {
    throw new PolicyParseError(result.problems);
  }
  return result.policy.document;
}

/**
 * Deep copy of a JSON-compatible value (documents are plain JSON). A direct
 * walk: several times faster than a JSON round trip on small documents.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(item => cloneJson(item)) as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      copy[key] = cloneJson((value as Record<string, unknown>)[key]);
    }
    return copy as T;
  }
  return value;
}

export type { PolicyCondition, PolicyPrincipal };
