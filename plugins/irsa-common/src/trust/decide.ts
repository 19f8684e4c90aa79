/**
 * The decision, as STS makes it for one web-identity request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * every statement is evaluated (Principal, Action, each Condition entry); an
 * explicit Deny that applies wins; otherwise an Allow that applies is needed;
 * otherwise the request is implicitly denied.
 *
 * Keys whose value depends on the actual call (`aws:SourceIp`, ...) cannot be
 * known here: an Allow conditioned on them is assumed to apply, a Deny is
 * not, so `allowed` never hides a refusal the policy makes certain.
 */
import type {
  ParsedCondition,
  ParsedPrincipal,
  ParsedStatement,
} from '../policy/parse';
import {
  conditionOutcome,
  ConditionOutcome,
  statementCoversAction,
} from '../policy/statementMatch';
import type { WildcardCompiler } from '../policy/wildcard';
import { WEB_IDENTITY_ACTION } from './canonical';
import { parseOidcProviderArn } from './issuer';
import {
  classifyConditionKey,
  requestValuesFor,
  TrustContext,
  variableResolver,
} from './request';
import type { ConditionKeyKind } from './types';

/** How one condition entry fared. */
export interface ConditionResult {
  condition: ParsedCondition;
  kind: ConditionKeyKind;
  actual?: string[];
  outcome: ConditionOutcome;
}

/** How one statement fared. */
export interface StatementEvaluation {
  statement: ParsedStatement;
  principalMatched: boolean;
  /** Where the statement's Federated principal points, for the diagnosis. */
  principal: PrincipalRelation;
  actionMatched: boolean;
  conditions: ConditionResult[];
  /** No condition failed (unknown ones pass): enough for an Allow. */
  conditionsPassOptimistic: boolean;
  /** Every condition definitely matched: needed for a Deny. */
  conditionsPassStrict: boolean;
  applies: boolean;
}

function principalMatches(
  principal: ParsedPrincipal | undefined,
  context: TrustContext,
): boolean {
  if (!principal) return false;
  const hit =
    principal.any || principal.federatedLower.includes(context.principalLower);
  return principal.element === 'Principal' ? hit : !hit;
}

/**
 * Where a statement's Federated principal points relative to this request
 * (`relation`):
 * - `ours`: this provider (or every principal);
 * - `other-account`: this issuer, but providers in other accounts
 *   (`otherAccountArns`);
 * - `other-issuer`: another issuer / identity provider;
 * - `none`: no federated principal (AWS or Service principals only).
 */
export interface PrincipalRelation {
  readonly relation: 'ours' | 'other-account' | 'other-issuer' | 'none';
  readonly otherAccountArns: readonly string[];
}

// Shared: most statements are one of these, and verdicts come by the thousand.
const OURS: PrincipalRelation = { relation: 'ours', otherAccountArns: [] };
const NONE: PrincipalRelation = { relation: 'none', otherAccountArns: [] };
const OTHER_ISSUER: PrincipalRelation = {
  relation: 'other-issuer',
  otherAccountArns: [],
};

function relatePrincipal(
  principal: ParsedPrincipal | undefined,
  matched: boolean,
  context: TrustContext,
): PrincipalRelation {
  if (!principal) return NONE;
  if (matched) return OURS;
  if (principal.element === 'NotPrincipal') return NONE;
  const federated = principal.byType.get('federated') ?? [];
  const otherAccountArns = federated.filter(arn => {
    const provider = context.cache.providerArns.get(arn, parseOidcProviderArn);
    return (
      provider !== undefined &&
      provider.issuer.toLowerCase() === context.issuerLower
    );
  });
  if (otherAccountArns.length > 0)
    return { relation: 'other-account', otherAccountArns };
  return federated.length > 0 ? OTHER_ISSUER : NONE;
}

const WEB_IDENTITY_ACTION_LOWER = WEB_IDENTITY_ACTION.toLowerCase();

export function actionMatches(
  statement: ParsedStatement,
  compile: WildcardCompiler,
): boolean {
  return statementCoversAction(statement, WEB_IDENTITY_ACTION_LOWER, compile);
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
  // A resolver only for the few conditions with variables: this runs for
  // every condition of every verdict.
  const resolve = condition.usesVariables
    ? variableResolver(context.issuerLower, context)
    : undefined;
  const outcome = conditionOutcome(
    condition,
    actual,
    context.cache.matcher,
    resolve,
  );
  return { condition, kind, actual, outcome };
}

/** Evaluates every part of one statement against the request. */
function evaluateStatement(
  statement: ParsedStatement,
  context: TrustContext,
): StatementEvaluation {
  const principalMatched = principalMatches(statement.principal, context);
  const principal = relatePrincipal(
    statement.principal,
    principalMatched,
    context,
  );
  const actionMatched = actionMatches(statement, context.cache.matcher);
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
    principal,
    actionMatched,
    conditions,
    conditionsPassOptimistic,
    conditionsPassStrict,
    applies,
  };
}

/** What the policy decides for the request, and how each statement fared. */
export interface TrustDecision {
  evaluations: StatementEvaluation[];
  /** The statements that apply, Allow and Deny, in policy order. */
  matchedStatements: number[];
  /** Some Allow statement applies. */
  allowMatched: boolean;
  /** The Deny statements that apply. */
  denials: StatementEvaluation[];
  /** An Allow applies and no Deny does. */
  allowed: boolean;
}

/** Evaluates every statement, then decides: an explicit Deny wins. */
export function decideTrust(
  statements: readonly ParsedStatement[],
  context: TrustContext,
): TrustDecision {
  const evaluations = statements.map(s => evaluateStatement(s, context));
  const matchedStatements: number[] = [];
  const denials: StatementEvaluation[] = [];
  let allowMatched = false;
  for (const evaluation of evaluations) {
    if (!evaluation.applies) continue;
    matchedStatements.push(evaluation.statement.index);
    if (evaluation.statement.effect === 'Deny') denials.push(evaluation);
    else allowMatched = true;
  }
  return {
    evaluations,
    matchedStatements,
    allowMatched,
    denials,
    allowed: allowMatched && denials.length === 0,
  };
}
