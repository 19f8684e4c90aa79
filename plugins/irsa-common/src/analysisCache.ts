/**
 * The one cache of the analysis. An inventory sees the same trust and managed
 * policies, role ARNs, issuers and wildcard patterns over and over, and
 * parsing a policy is the most expensive step of a verdict. Whoever runs many
 * analyses (the backend) creates one cache, passes it to each analysis and
 * decides how long it lives; an analysis given none caches for itself only.
 */
import type { ActionInfo } from './permissions-analysis/accessLevels';
import type {
  PermissionSummary,
  StatementGrants,
} from './permissions-analysis/analyzePermissions';
import {
  parsePolicy,
  ParsedStatement,
  PolicyKind,
  PolicyParseResult,
} from './policy/parse';
import {
  compileWildcard,
  WildcardCompiler,
  WildcardMatcher,
} from './policy/wildcard';
import type { OidcProviderArnParts } from './trust/issuer';
import type { ProviderContext } from './trust/request';
import type { PolicyDocument } from './types';
import type { RoleArnParts } from './validation';

const DEFAULT_MAX_ENTRIES = 5_000;

/**
 * A bounded cache shared by the analyses it is passed to (see
 * {@link createAnalysisCache}). What it holds is pure: sharing it between
 * callers never changes an answer, only how fast it comes.
 *
 * @public
 */
export interface AnalysisCache {
  /** The most entries each of its tables holds. */
  readonly maxEntries: number;
  /** Empties every table. */
  clear(): void;
}

/**
 * Options of {@link createAnalysisCache}.
 *
 * @public
 */
export interface AnalysisCacheOptions {
  /**
   * The most entries each table holds (parsed policies by text, compiled
   * wildcards, expanded actions, role and provider ARNs, ...); default 5,000.
   * A full table starts over. 0 caches nothing.
   */
  maxEntries?: number;
}

/** The tables keyed by text, and what each holds. */
interface MemoTables {
  /** Parsed trust policies by their text. */
  trustPolicy: PolicyParseResult;
  /** Parsed permission policies by their text. */
  permissionPolicy: PolicyParseResult;
  /** Compiled wildcards by pattern, case-sensitive. */
  matcher: WildcardMatcher;
  /** Compiled wildcards by pattern, ignoring case. */
  matcherIgnoringCase: WildcardMatcher;
  /** The known actions an Action value grants, by the value in lower case. */
  actionExpansion: readonly ActionInfo[];
  /** Role ARNs, parsed (undefined: not a role ARN). */
  roleArn: Readonly<RoleArnParts> | undefined;
  /** OIDC provider ARNs, parsed (undefined: not one). */
  providerArn: Readonly<OidcProviderArnParts> | undefined;
  /** The provider part of a request, by role partition, account and issuer. */
  provider: ProviderContext;
}

/**
 * The tables of what is derived from an object another table (or the caller)
 * holds: weak, so an entry lives exactly as long as its object.
 */
interface DerivedTables {
  /** What an Allow or Deny statement of a permission policy grants. */
  statementGrants: [ParsedStatement, StatementGrants];
  /** `Type: value` labels of a trust statement's principals. */
  principalLabels: [ParsedStatement, readonly string[]];
  /** The summary of one statement's granted actions. */
  permissionSummary: [readonly ActionInfo[], PermissionSummary];
}

const compileIgnoringCase = (pattern: string) => compileWildcard(pattern, true);
const parseTrustPolicy = (text: string) => parsePolicy(text, 'trust');
const parsePermissionPolicy = (text: string) => parsePolicy(text, 'permission');

/**
 * The implementation of {@link AnalysisCache}, as the analyses use it.
 * Every value is shared between the analyses that look it up: never modify
 * one.
 */
export class CacheTables implements AnalysisCache {
  private memoTables: Partial<Record<keyof MemoTables, Map<string, unknown>>> =
    {};
  private derivedTables: Partial<
    Record<keyof DerivedTables, WeakMap<object, unknown>>
  > = {};

  constructor(readonly maxEntries: number) {}

  clear(): void {
    this.memoTables = {};
    this.derivedTables = {};
  }

  /** The value of `key` in a table, computed on a miss. */
  memo<T extends keyof MemoTables>(
    table: T,
    key: string,
    compute: (key: string) => MemoTables[T],
  ): MemoTables[T] {
    if (this.maxEntries <= 0) return compute(key);
    const entries = (this.memoTables[table] ??= new Map());
    let value = entries.get(key) as MemoTables[T] | undefined;
    if (value === undefined && !entries.has(key)) {
      value = compute(key);
      // Starting a full table over is cheaper than evicting entry by entry,
      // and what keeps being asked for is back after one miss.
      if (entries.size >= this.maxEntries) entries.clear();
      entries.set(key, value);
    }
    return value as MemoTables[T];
  }

  /** What is derived from `object`, computed once per object. */
  derived<T extends keyof DerivedTables>(
    table: T,
    object: DerivedTables[T][0],
    compute: (object: DerivedTables[T][0]) => DerivedTables[T][1],
  ): DerivedTables[T][1] {
    if (this.maxEntries <= 0) return compute(object);
    const entries = (this.derivedTables[table] ??= new WeakMap());
    let value = entries.get(object) as DerivedTables[T][1] | undefined;
    if (value === undefined) {
      value = compute(object);
      entries.set(object, value);
    }
    return value;
  }

  /** Compiles a wildcard pattern, or reuses its earlier compilation. */
  readonly matcher: WildcardCompiler = (pattern, ignoreCase = false) =>
    ignoreCase
      ? this.memo('matcherIgnoringCase', pattern, compileIgnoringCase)
      : this.memo('matcher', pattern, compileWildcard);

  /**
   * Parses a policy, or reuses the parse of the same text. Documents given as
   * objects are parsed each time: their callers may change them.
   */
  parsedPolicy(
    input: string | PolicyDocument,
    kind: PolicyKind,
  ): PolicyParseResult {
    if (typeof input !== 'string') return parsePolicy(input, kind);
    return kind === 'trust'
      ? this.memo('trustPolicy', input, parseTrustPolicy)
      : this.memo('permissionPolicy', input, parsePermissionPolicy);
  }
}

/**
 * The tables of the cache a caller passed; a fresh, private set when it
 * passed none (or an object this copy of the library did not make).
 */
export function cacheTables(cache: AnalysisCache | undefined): CacheTables {
  return cache instanceof CacheTables
    ? cache
    : new CacheTables(DEFAULT_MAX_ENTRIES);
}

/**
 * Creates a cache to pass to `analyzeTrust`, `analyzePermissions` and
 * `analyzeRoleUsage` (the `cache` field of their input), so that policies,
 * patterns and ARNs seen by one analysis are not parsed again by the next.
 *
 * @public
 */
export function createAnalysisCache(
  options: AnalysisCacheOptions = {},
): AnalysisCache {
  return new CacheTables(options.maxEntries ?? DEFAULT_MAX_ENTRIES);
}
