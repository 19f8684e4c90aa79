/**
 * The trust verdict: would `sts:AssumeRoleWithWebIdentity` succeed for a token
 * of this service account against this role, and if not, exactly why?
 *
 * One pass, forward: the request (request.ts) → the decision, as STS makes
 * it (decide.ts) → the diagnosis, findings with their fixes (diagnose.ts) →
 * the suggestion, the fixes applied (suggest.ts) → the result, with
 * per-statement explanations (explain.ts).
 */
import { cacheTables } from '../analysisCache';
import { createFinding, sortFindings } from '../findings';
import type { PolicyParseResult } from '../policy/parse';
import { decideTrust, TrustDecision } from './decide';
import { diagnoseTrust, malformedFinding } from './diagnose';
import { explainStatement } from './explain';
import type { PendingFinding } from './pending';
import { providerFindings } from './providerFindings';
import {
  buildTrustContext,
  readRoleArn,
  requestOf,
  TrustContext,
} from './request';
import {
  refineSuggestion,
  SuggestionMode,
  Suggestions,
  suggestFixes,
} from './suggest';
import type { AnalyzeTrustInput, AnalyzeTrustResult } from './types';

/**
 * Decides whether a pod running as a service account can assume a role with
 * its projected web-identity token, explains each statement's match, and
 * reports findings (the contract in docs/architecture.md).
 *
 * Follows AWS's evaluation: an explicit Deny wins; an Allow needs a
 * statement whose Principal, Action and every Condition match. Global
 * context keys (such as `aws:SourceIp`) cannot be known here: an Allow
 * conditioned on them is assumed to apply, a Deny is not.
 *
 * @param input - the trust policy, the role ARN, the service account, the
 *   cluster's issuer and, if known, the role account's OIDC providers
 * @returns `allowed`, the findings (most severe first) and the indices of the
 *   statements that apply, plus per-statement explanations and, for
 *   mechanical problems, suggested trust policies
 * @public
 */
export function analyzeTrust(input: AnalyzeTrustInput): AnalyzeTrustResult {
  const cache = cacheTables(input.cache);
  const role = readRoleArn(input.roleArn, cache);
  const parsed = cache.parsedPolicy(input.trustPolicy, 'trust');
  if (!role) return invalidRoleArnResult(input.roleArn, parsed);

  const context = buildTrustContext(
    role,
    input.oidcIssuer,
    input.serviceAccount,
    cache,
  );
  // Without the provider (or its audience) STS rejects every token, whatever
  // the policy says.
  const providerProblems = providerFindings(input.oidcProviders, context);
  const mode = input.suggestFixes === false ? 'none' : 'all';
  const { decision, suggestions } = assess(
    parsed,
    context,
    providerProblems,
    mode,
  );
  const suggestedTrustPolicy = refineSuggestion(
    suggestions,
    suggested =>
      assess(cache.parsedPolicy(suggested, 'trust'), context, [], 'combined')
        .suggestions,
  );
  const explain = input.explain !== false;
  const request = explain ? requestOf(context) : undefined;
  if (!decision) {
    return {
      allowed: false,
      matchedStatements: [],
      request,
      findings: suggestions.findings,
      suggestedTrustPolicy,
    };
  }
  return {
    allowed: decision.allowed && providerProblems.length === 0,
    findings: suggestions.findings,
    matchedStatements: decision.matchedStatements,
    request,
    statements: explain
      ? decision.evaluations.map(e => explainStatement(e, context))
      : undefined,
    suggestedTrustPolicy,
  };
}

/** Decide, diagnose and suggest; a malformed policy has no decision. */
function assess(
  parsed: PolicyParseResult,
  context: TrustContext,
  pending: PendingFinding[],
  mode: SuggestionMode,
): { decision?: TrustDecision; suggestions: Suggestions } {
  if (!parsed.ok) {
    const findings = [...pending, malformedFinding(parsed.problems, context)];
    return { suggestions: suggestFixes(findings, { Statement: [] }, mode) };
  }
  const decision = decideTrust(parsed.policy.statements, context);
  const findings = pending.concat(
    diagnoseTrust(parsed.policy, decision, context),
  );
  return {
    decision,
    suggestions: suggestFixes(findings, parsed.policy.document, mode),
  };
}

/** No request can be built without a valid role ARN. */
function invalidRoleArnResult(
  roleArn: string,
  parsed: PolicyParseResult,
): AnalyzeTrustResult {
  const findings = [
    createFinding(
      'SA_ANNOTATION_INVALID',
      `"${roleArn}" is not a valid IAM role ARN, so no token can be exchanged for it.`,
      {
        hint: 'Use the form arn:aws:iam::<12-digit account>:role/<role name>.',
      },
    ),
  ];
  if (!parsed.ok) findings.push(malformedFinding(parsed.problems).finding);
  return {
    allowed: false,
    findings: sortFindings(findings),
    matchedStatements: [],
  };
}
