/**
 * Evaluation of a parsed trust policy against one web-identity request:
 * principal, action and every condition entry of each statement.
 */
import {
  compareConditionValue,
  evaluateConditionEntry,
  isLikeOperator,
} from '../policy/conditions';
import type {
  ParsedCondition,
  ParsedPrincipal,
  ParsedStatement,
} from '../policy/parse';
import { hasPolicyVariable, matchTemplate } from '../policy/variables';
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

/** What a condition key refers to in this request. */
export function classifyConditionKey(
  key: { keyPrefixLower?: string; claimLower: string },
  context: TrustContext,
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

/** {@link classifyConditionKey} for a key as text (policy variables). */
function classifyKeyText(key: string, context: TrustContext): ConditionKeyKind {
  const lower = key.toLowerCase();
  const colon = lower.lastIndexOf(':');
  return classifyConditionKey(
    {
      keyPrefixLower: colon === -1 ? undefined : lower.slice(0, colon),
      claimLower: lower.slice(colon + 1),
    },
    context,
  );
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
  const actual = requestValuesFor(kind, context);
  if (kind === 'context') {
    return { condition, kind, outcome: 'unknown' };
  }
  const { operator, values } = condition;
  let matchValue: ((requestValue: string) => boolean) | undefined;
  if (condition.usesVariables) {
    const resolve = (key: string) =>
      requestValuesFor(classifyKeyText(key, context), context)?.[0];
    const ignoreCase = operator.base.endsWith('IgnoreCase');
    matchValue = requestValue =>
      values.some(value =>
        hasPolicyVariable(value)
          ? matchTemplate(
              value,
              requestValue,
              resolve,
              isLikeOperator(operator.base),
              ignoreCase,
            )
          : compareConditionValue(operator.base, requestValue, value),
      );
  }
  const matched = evaluateConditionEntry(operator, values, actual, matchValue);
  return {
    condition,
    kind,
    actual,
    outcome: matched ? 'matched' : 'not-matched',
  };
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
