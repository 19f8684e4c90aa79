/**
 * Evaluation of a parsed trust policy against one web-identity request:
 * principal, action and every condition entry of each statement.
 */
import {
  compareConditionTokens,
  evaluateConditionEntry,
  isEqualsOperator,
} from '../policy/conditions';
import type {
  ParsedCondition,
  ParsedPrincipal,
  ParsedStatement,
} from '../policy/parse';
import {
  substituteVariables,
  UNKNOWN_VALUE,
  VariableResolver,
} from '../policy/variables';
import { compileWildcard } from '../policy/wildcard';
import type { RoleArnParts } from '../validation';
import { DEFAULT_AUDIENCE, WEB_IDENTITY_ACTION } from './canonical';
import {
  buildOidcProviderArn,
  normalizeIssuer,
  parseOidcProviderArnShared,
} from './issuer';
import { serviceAccountSubject } from './subject';
import type { ConditionKeyKind, TrustRequest } from './types';

/** The request plus what evaluation needs precomputed. */
export interface TrustContext extends TrustRequest {
  issuerLower: string;
  principalLower: string;
  partition: string;
  roleAccountId: string;
  namespace: string;
  name: string;
  /** `[subject]` and `[audience]`, the request's values of `:sub` / `:aud`. */
  subjectValues: string[];
  audienceValues: string[];
}

interface ProviderContext {
  principal: string;
  principalLower: string;
  issuer: string;
  issuerLower: string;
  subjectKey: string;
  audienceKey: string;
}

// The per-(role account, issuer) part of the context, computed once. Keyed
// by the shared role-ARN parts and the issuer string, so a lookup hashes
// nothing new.
const providerContexts = new WeakMap<
  Readonly<RoleArnParts>,
  Map<string, ProviderContext>
>();

function providerContext(
  role: Readonly<RoleArnParts>,
  oidcIssuer: string,
): ProviderContext {
  let byIssuer = providerContexts.get(role);
  if (!byIssuer) {
    byIssuer = new Map();
    providerContexts.set(role, byIssuer);
  }
  let provider = byIssuer.get(oidcIssuer);
  if (!provider) {
    const issuer = normalizeIssuer(oidcIssuer);
    const principal = buildOidcProviderArn(
      role.accountId,
      issuer,
      role.partition,
    );
    provider = {
      principal,
      principalLower: principal.toLowerCase(),
      issuer,
      issuerLower: issuer.toLowerCase(),
      subjectKey: `${issuer}:sub`,
      audienceKey: `${issuer}:aud`,
    };
    if (byIssuer.size > 100) byIssuer.clear();
    byIssuer.set(oidcIssuer, provider);
  }
  return provider;
}

/** Builds the web-identity request of a service account against a role. */
export function buildTrustContext(
  role: Readonly<RoleArnParts>,
  oidcIssuer: string,
  serviceAccount: { namespace: string; name: string; audience?: string },
): TrustContext {
  const provider = providerContext(role, oidcIssuer);
  const subject = serviceAccountSubject(
    serviceAccount.namespace,
    serviceAccount.name,
  );
  const audience = serviceAccount.audience || DEFAULT_AUDIENCE;
  return {
    ...provider,
    action: WEB_IDENTITY_ACTION,
    subject,
    subjectValues: [subject],
    audience,
    audienceValues: [audience],
    partition: role.partition,
    roleAccountId: role.accountId,
    namespace: serviceAccount.namespace,
    name: serviceAccount.name,
  };
}

/** What a condition key refers to in a request of the issuer `issuerLower`. */
export function classifyConditionKey(
  key: { keyPrefixLower?: string; claimLower: string },
  context: { issuerLower: string },
): ConditionKeyKind {
  const prefix = key.keyPrefixLower;
  if (prefix === undefined) return 'context';
  if (prefix === context.issuerLower) {
    if (key.claimLower === 'sub') return 'subject';
    if (key.claimLower === 'aud') return 'audience';
    return 'issuer-claim';
  }
  if (prefix.startsWith('arn:')) return 'provider-arn';
  // Issuer prefixes are host names (with dots) or URLs; service prefixes
  // such as `aws` or `sts` never contain either.
  if (prefix.includes('.') || prefix.includes('/')) return 'other-issuer';
  return 'context';
}

/**
 * Resolves policy variables in web-identity requests of an issuer: its `sub`
 * and `aud` (unknown when not given), global keys unknown, every other key
 * absent.
 */
export function variableResolver(
  issuerLower: string,
  claims: { subject?: string; audience?: string },
): VariableResolver {
  return keyLower => {
    const colon = keyLower.lastIndexOf(':');
    const kind = classifyConditionKey(
      {
        keyPrefixLower: colon === -1 ? undefined : keyLower.slice(0, colon),
        claimLower: keyLower.slice(colon + 1),
      },
      { issuerLower },
    );
    if (kind === 'subject') return claims.subject ?? UNKNOWN_VALUE;
    if (kind === 'audience') return claims.audience ?? UNKNOWN_VALUE;
    return kind === 'context' ? UNKNOWN_VALUE : undefined;
  };
}

/** The request's values of a key kind; undefined when absent or unknown. */
export function requestValuesFor(
  kind: ConditionKeyKind,
  context: TrustContext,
): string[] | undefined {
  if (kind === 'subject') return context.subjectValues;
  if (kind === 'audience') return context.audienceValues;
  return undefined;
}

/** How one condition entry fared. */
export interface ConditionResult {
  condition: ParsedCondition;
  kind: ConditionKeyKind;
  actual?: string[];
  outcome: 'matched' | 'not-matched' | 'unknown';
}

/** How one statement fared. */
export interface StatementEvaluation {
  statement: ParsedStatement;
  principalMatched: boolean;
  actionMatched: boolean;
  conditions: ConditionResult[];
  /** No condition failed (unknown ones pass): enough for an Allow. */
  conditionsPassOptimistic: boolean;
  /** Every condition definitely matched: needed for a Deny. */
  conditionsPassStrict: boolean;
  applies: boolean;
}

export function principalMatches(
  principal: ParsedPrincipal | undefined,
  context: TrustContext,
): boolean {
  if (!principal) return false;
  const hit =
    principal.any || principal.federatedLower.includes(context.principalLower);
  return principal.element === 'Principal' ? hit : !hit;
}

/**
 * Where a statement's Federated principal points relative to this request:
 * - `ours`: this provider (or every principal);
 * - `other-account`: this issuer, but a provider in another account;
 * - `other-issuer`: another issuer / identity provider;
 * - `none`: no federated principal (AWS or Service principals only).
 */
export type PrincipalRelation =
  | 'ours'
  | 'other-account'
  | 'other-issuer'
  | 'none';

export function relatePrincipal(
  principal: ParsedPrincipal | undefined,
  context: TrustContext,
): { relation: PrincipalRelation; otherAccountArns: string[] } {
  if (!principal) return { relation: 'none', otherAccountArns: [] };
  if (principalMatches(principal, context))
    return { relation: 'ours', otherAccountArns: [] };
  if (principal.element === 'NotPrincipal')
    return { relation: 'none', otherAccountArns: [] };
  const federated = principal.byType.get('federated') ?? [];
  const otherAccountArns = federated.filter(arn => {
    const provider = parseOidcProviderArnShared(arn);
    return (
      provider !== undefined &&
      provider.issuer.toLowerCase() === context.issuerLower
    );
  });
  if (otherAccountArns.length > 0)
    return { relation: 'other-account', otherAccountArns };
  return {
    relation: federated.length > 0 ? 'other-issuer' : 'none',
    otherAccountArns,
  };
}

const WEB_IDENTITY_ACTION_LOWER = WEB_IDENTITY_ACTION.toLowerCase();

export function actionMatches(statement: ParsedStatement): boolean {
  const hit = statement.actions.some(pattern =>
    compileWildcard(pattern, true)(WEB_IDENTITY_ACTION_LOWER),
  );
  return statement.actionElement === 'Action' ? hit : !hit;
}

function evaluateCondition(
  condition: ParsedCondition,
  context: TrustContext,
): ConditionResult {
  const kind = classifyConditionKey(condition, context);
  if (kind === 'context') {
    return { condition, kind, outcome: 'unknown' };
  }
  const actual = requestValuesFor(kind, context);
  if (condition.usesVariables) {
    const outcome = outcomeWithVariables(condition, actual, context);
    return { condition, kind, actual, outcome };
  }
  const matched = evaluateConditionEntry(
    condition.operator,
    condition.values,
    actual,
  );
  return {
    condition,
    kind,
    actual,
    outcome: matched ? 'matched' : 'not-matched',
  };
}

/**
 * The outcome of an entry whose values use policy variables. A value with an
 * unknown variable may or may not match: the entry is evaluated both ways,
 * and known only when they agree (each value's match moves the result one
 * way only).
 */
function outcomeWithVariables(
  condition: ParsedCondition,
  actual: string[] | undefined,
  context: TrustContext,
): ConditionResult['outcome'] {
  const { operator, values } = condition;
  const resolve = variableResolver(context.issuerLower, context);
  const wildcards = !isEqualsOperator(operator.base);
  const substituted = values.map(v =>
    substituteVariables(v, resolve, wildcards),
  );
  const evaluate = (assumeUnknownMatches: boolean) =>
    evaluateConditionEntry(operator, values, actual, requestValue =>
      substituted.some(
        s =>
          s !== undefined &&
          (assumeUnknownMatches || !s.unknown) &&
          compareConditionTokens(operator.base, requestValue, s.tokens),
      ),
    );
  const possibly = evaluate(true);
  if (possibly !== evaluate(false)) return 'unknown';
  return possibly ? 'matched' : 'not-matched';
}

/** Evaluates every part of one statement against the request. */
export function evaluateStatement(
  statement: ParsedStatement,
  context: TrustContext,
): StatementEvaluation {
  const principalMatched = principalMatches(statement.principal, context);
  const actionMatched = actionMatches(statement);
  const conditions = statement.conditions.map(c =>
    evaluateCondition(c, context),
  );
  let conditionsPassOptimistic = true;
  let conditionsPassStrict = true;
  for (const result of conditions) {
    if (result.outcome === 'not-matched') conditionsPassOptimistic = false;
    if (result.outcome !== 'matched') conditionsPassStrict = false;
  }
  // An Allow whose context keys cannot be decided is assumed to apply (the
  // caller may well satisfy them); a Deny only applies when certain.
  const applies =
    principalMatched &&
    actionMatched &&
    (statement.effect === 'Allow'
      ? conditionsPassOptimistic
      : conditionsPassStrict);
  return {
    statement,
    principalMatched,
    actionMatched,
    conditions,
    conditionsPassOptimistic,
    conditionsPassStrict,
    applies,
  };
}
