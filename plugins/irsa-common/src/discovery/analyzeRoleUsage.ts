/**
 * Which service accounts of known clusters a role's trust policy names, and
 * whether they exist (ROLE_NO_SERVICE_ACCOUNT). Discovery also uses the list
 * to bind service accounts that a role trusts but that carry no annotation.
 */
import { AnalysisCache, cacheTables } from '../analysisCache';
import { createFinding, sortFindings } from '../findings';
import {
  compareConditionTokens,
  compareConditionValue,
  isPositiveStringOperator,
} from '../policy/conditions';
import type { ParsedCondition, ParsedStatement } from '../policy/parse';
import { substituteVariables } from '../policy/variables';
import type { WildcardCompiler } from '../policy/wildcard';
import type { Finding, PolicyDocument } from '../types';
import { actionMatches } from '../trust/decide';
import { variableResolver } from '../trust/request';
import { normalizeIssuer, parseOidcProviderArn } from '../trust/issuer';
import {
  parseServiceAccountSubject,
  serviceAccountSubject,
} from '../trust/subject';

/**
 * A cluster as role-usage analysis needs it.
 *
 * @public
 */
export interface RoleUsageCluster {
  name: string;
  oidcIssuer: string;
  /**
   * Every service account of the cluster; null or absent when unknown (then
   * nothing is reported for the cluster).
   */
  serviceAccounts?: Array<{ namespace: string; name: string }> | null;
}

/**
 * Input of {@link analyzeRoleUsage}.
 *
 * @public
 */
export interface AnalyzeRoleUsageInput {
  roleArn: string;
  /** Object, JSON, or URL-encoded JSON as IAM returns it. */
  trustPolicy: string | PolicyDocument;
  clusters: RoleUsageCluster[];
  /**
   * Shared with other analyses (see {@link createAnalysisCache}); default:
   * one for this call only.
   */
  cache?: AnalysisCache;
}

/**
 * A `:sub` value of an Allow statement for a known cluster.
 *
 * @public
 */
export interface TrustedSubject {
  cluster: string;
  statementIndex: number;
  /** The condition value as written (a subject or a StringLike pattern). */
  subject: string;
  /** Namespace and name when the value names one service account. */
  namespace?: string;
  name?: string;
  /** The existing service accounts it matches; undefined when unknown. */
  matching?: Array<{ namespace: string; name: string }>;
}

/**
 * Output of {@link analyzeRoleUsage}.
 *
 * @public
 */
export interface AnalyzeRoleUsageResult {
  trustedSubjects: TrustedSubject[];
  findings: Finding[];
}

/**
 * What one `:sub` value of a positive string operator admits. Its policy
 * variables are substituted as far as they can be without a request: this
 * issuer's claims and global keys may be anything, so they match anything.
 */
function subjectMatcher(
  condition: ParsedCondition,
  value: string,
  issuerLower: string,
  compile: WildcardCompiler,
): (subject: string) => boolean {
  const base = condition.operator.base;
  if (!condition.usesVariables) {
    return subject => compareConditionValue(base, subject, value, compile);
  }
  const substituted = substituteVariables(
    value,
    variableResolver(issuerLower, {}),
    base === 'StringLike',
  );
  return subject =>
    !!substituted && compareConditionTokens(base, subject, substituted.tokens);
}

/**
 * The issuers (lower case) whose web identities an Allow statement admits
 * through their providers; none for Deny, NotPrincipal or another action.
 */
function federatedIssuers(
  statement: ParsedStatement,
  compile: WildcardCompiler,
): Set<string> {
  const principal = statement.principal;
  if (statement.effect !== 'Allow' || principal?.element !== 'Principal') {
    return new Set();
  }
  if (!actionMatches(statement, compile)) return new Set();
  return new Set(
    (principal.byType.get('federated') ?? [])
      .map(arn => parseOidcProviderArn(arn)?.issuer.toLowerCase())
      .filter((issuer): issuer is string => issuer !== undefined),
  );
}

/** A `:sub` value and the cluster's service accounts it matches. */
function trustedSubject(
  cluster: RoleUsageCluster,
  statement: ParsedStatement,
  matches: (subject: string) => boolean,
  value: string,
): TrustedSubject {
  const named = parseServiceAccountSubject(value);
  return {
    cluster: cluster.name,
    statementIndex: statement.index,
    subject: value,
    namespace: named?.namespace,
    name: named?.name,
    matching: cluster.serviceAccounts?.filter(sa =>
      matches(serviceAccountSubject(sa.namespace, sa.name)),
    ),
  };
}

function noServiceAccountFinding(
  roleArn: string,
  trusted: TrustedSubject,
): Finding {
  const { namespace, name, cluster } = trusted;
  return createFinding(
    'ROLE_NO_SERVICE_ACCOUNT',
    namespace !== undefined
      ? `${roleArn} trusts service account ${namespace}/${name} of cluster ${cluster}, which does not exist.`
      : `${roleArn} trusts "${trusted.subject}" in cluster ${cluster}, which matches no existing service account.`,
    {
      statementIndex: trusted.statementIndex,
      hint: 'Create the service account (annotated with the role), or remove the stale subject from the trust policy.',
    },
  );
}

/**
 * Lists the service accounts a role trusts in known clusters and reports
 * ROLE_NO_SERVICE_ACCOUNT for subjects that match no existing service account.
 * A malformed trust policy yields nothing here (analyzeTrust reports it).
 *
 * @param input - the role, its trust policy and the known clusters with their
 *   service accounts
 * @public
 */
export function analyzeRoleUsage(
  input: AnalyzeRoleUsageInput,
): AnalyzeRoleUsageResult {
  const cache = cacheTables(input.cache);
  const parsed = cache.parsedPolicy(input.trustPolicy, 'trust');
  const trustedSubjects: TrustedSubject[] = [];
  if (!parsed.ok) return { trustedSubjects, findings: [] };

  const clusters = input.clusters.map(cluster => ({
    cluster,
    issuerLower: normalizeIssuer(cluster.oidcIssuer).toLowerCase(),
  }));
  for (const statement of parsed.policy.statements) {
    const issuers = federatedIssuers(statement, cache.matcher);
    for (const { cluster, issuerLower } of clusters) {
      if (!issuers.has(issuerLower)) continue;
      for (const condition of statement.conditions) {
        if (condition.keyLower !== `${issuerLower}:sub`) continue;
        if (!isPositiveStringOperator(condition.operator.base)) continue;
        for (const value of condition.values) {
          const matches = subjectMatcher(
            condition,
            value,
            issuerLower,
            cache.matcher,
          );
          trustedSubjects.push(
            trustedSubject(cluster, statement, matches, value),
          );
        }
      }
    }
  }
  const findings = trustedSubjects
    .filter(trusted => trusted.matching?.length === 0)
    .map(trusted => noServiceAccountFinding(input.roleArn, trusted));
  return { trustedSubjects, findings: sortFindings(findings) };
}
