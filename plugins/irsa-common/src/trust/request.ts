/**
 * The request a trust verdict is about: the `sts:AssumeRoleWithWebIdentity`
 * call a pod makes with its service account's token, and what each condition
 * key of a trust policy refers to in it.
 */
import { BoundedTable, CacheTables } from '../analysisCache';
import { UNKNOWN_VALUE, VariableResolver } from '../policy/variables';
import { parseRoleArn, RoleArnParts } from '../validation';
import { DEFAULT_AUDIENCE, WEB_IDENTITY_ACTION } from './canonical';
import { buildOidcProviderArn, normalizeIssuer } from './issuer';
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
  /** Where evaluation keeps what it may reuse (matchers, parsed ARNs). */
  cache: CacheTables;
}

/** The part of a request that depends only on the role account and issuer. */
export interface ProviderContext {
  principal: string;
  principalLower: string;
  issuer: string;
  issuerLower: string;
  subjectKey: string;
  audienceKey: string;
}

/** The role ARN's parts (shared: never modify them); undefined if invalid. */
export function readRoleArn(
  roleArn: string,
  cache: CacheTables,
): Readonly<RoleArnParts> | undefined {
  return typeof roleArn === 'string'
    ? cache.roleArns.get(roleArn, parseRoleArn)
    : undefined;
}

/** A role is analysed against a few clusters' issuers at most. */
const MAX_ISSUERS_PER_ROLE = 100;

function providerContext(
  role: Readonly<RoleArnParts>,
  oidcIssuer: string,
): ProviderContext {
  const issuer = normalizeIssuer(oidcIssuer);
  const principal = buildOidcProviderArn(
    role.accountId,
    issuer,
    role.partition,
  );
  return {
    principal,
    principalLower: principal.toLowerCase(),
    issuer,
    issuerLower: issuer.toLowerCase(),
    subjectKey: `${issuer}:sub`,
    audienceKey: `${issuer}:aud`,
  };
}

/** Builds the web-identity request of a service account against a role. */
export function buildTrustContext(
  role: Readonly<RoleArnParts>,
  oidcIssuer: string,
  serviceAccount: { namespace: string; name: string; audience?: string },
  cache: CacheTables,
): TrustContext {
  // Keyed by the shared role-ARN parts, then by the issuer as given: a
  // lookup hashes no new text.
  const provider = cache.providers
    .get(
      role,
      () => new BoundedTable(Math.min(cache.maxEntries, MAX_ISSUERS_PER_ROLE)),
    )
    .get(oidcIssuer, issuer => providerContext(role, issuer));
  const subject = serviceAccountSubject(
    serviceAccount.namespace,
    serviceAccount.name,
  );
  const audience = serviceAccount.audience || DEFAULT_AUDIENCE;
  // Every field written out (no spread): one object shape for every request.
  return {
    principal: provider.principal,
    principalLower: provider.principalLower,
    issuer: provider.issuer,
    issuerLower: provider.issuerLower,
    subjectKey: provider.subjectKey,
    audienceKey: provider.audienceKey,
    action: WEB_IDENTITY_ACTION,
    subject,
    subjectValues: [subject],
    audience,
    audienceValues: [audience],
    partition: role.partition,
    roleAccountId: role.accountId,
    namespace: serviceAccount.namespace,
    name: serviceAccount.name,
    cache,
  };
}

/** The request as the result reports it. */
export function requestOf(context: TrustContext): TrustRequest {
  return {
    principal: context.principal,
    action: context.action,
    issuer: context.issuer,
    subjectKey: context.subjectKey,
    subject: context.subject,
    audienceKey: context.audienceKey,
    audience: context.audience,
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
