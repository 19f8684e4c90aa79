/**
 * The one cache of the analysis. An inventory sees the same trust and managed
 * policies, role ARNs, issuers and wildcard patterns over and over, and
 * parsing a policy is the most expensive step of a verdict. Whoever runs many
 * analyses (the backend) creates one cache, passes it to each analysis and
 * decides how long it lives; an analysis given none caches for itself only.
 */
import type { ActionInfo } from './permissions-analysis/accessLevels';
import type { StatementGrants } from './permissions-analysis/analyzePermissions';
import {
  parsePolicy,
  ParsedPolicy,
  ParsedStatement,
  PolicyKind,
  PolicyParseResult,
} from './policy/parse';
import {
  compileWildcard,
  WildcardCompiler,
  WildcardMatcher,
} from './policy/wildcard';
import type { PermissionSummary } from './schema/openapi/generated';
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

/** Values by text, at most `maxEntries` of them; 0 keeps none. */
export class BoundedTable<V> {
  // Made on first use: a cache made for one call may never need it.
  private entries: Map<string, V> | undefined;

  constructor(private readonly maxEntries: number) {}

  /** The value of `key`, computed on a miss. */
  get(key: string, compute: (key: string) => V): V {
    if (this.maxEntries <= 0) return compute(key);
    const entries = (this.entries ??= new Map());
    let value = entries.get(key);
    if (value === undefined && !entries.has(key)) {
      value = compute(key);
      // Starting a full table over is cheaper than evicting entry by entry,
      // and what keeps being asked for is back after one miss.
      if (entries.size >= this.maxEntries) entries.clear();
      entries.set(key, value);
    }
    return value as V;
  }

  clear(): void {
    this.entries = undefined;
  }
}

/**
 * What is derived from objects another table (or the caller) holds: weak,
 * so an entry lives exactly as long as its object. Off when the cache keeps
 * nothing.
 */
export class DerivedTable<K extends object, V> {
  private entries: WeakMap<K, V> | undefined;

  constructor(private readonly enabled: boolean) {}

  /** What is derived from `object`, computed once per object. */
  get(object: K, compute: (object: K) => V): V {
    if (!this.enabled) return compute(object);
    const entries = (this.entries ??= new WeakMap());
    let value = entries.get(object);
    if (value === undefined) {
      value = compute(object);
      entries.set(object, value);
    }
    return value;
  }

  clear(): void {
    this.entries = undefined;
  }
}

const compileIgnoringCase = (pattern: string) => compileWildcard(pattern, true);
const parseTrustPolicy = (text: string) => parsePolicy(text, 'trust');
const parsePermissionPolicy = (text: string) => parsePolicy(text, 'permission');

/**
 * The implementation of {@link AnalysisCache}: its tables, as the analyses
 * use them. Every value is shared between the analyses that look it up:
 * never modify one.
 */
export class CacheTables implements AnalysisCache {
  /** Parsed trust policies by their text. */
  readonly trustPolicies: BoundedTable<PolicyParseResult>;
  /** Parsed permission policies by their text. */
  readonly permissionPolicies: BoundedTable<PolicyParseResult>;
  /** Compiled wildcards by pattern, case-sensitive. */
  readonly matchers: BoundedTable<WildcardMatcher>;
  /** Compiled wildcards by pattern, ignoring case. */
  readonly matchersIgnoringCase: BoundedTable<WildcardMatcher>;
  /** The known actions an Action value grants, by the value in lower case. */
  readonly actionExpansions: BoundedTable<readonly ActionInfo[]>;
  /** Role ARNs, parsed (undefined: not a role ARN). */
  readonly roleArns: BoundedTable<Readonly<RoleArnParts> | undefined>;
  /** OIDC provider ARNs, parsed (undefined: not one). */
  readonly providerArns: BoundedTable<
    Readonly<OidcProviderArnParts> | undefined
  >;
  /** The provider part of a request, per parsed role ARN, by issuer. */
  readonly providers: DerivedTable<
    Readonly<RoleArnParts>,
    BoundedTable<ProviderContext>
  >;
  /** What each statement of a parsed permission policy grants, in order. */
  readonly policyGrants: DerivedTable<ParsedPolicy, readonly StatementGrants[]>;
  /** `Type: value` labels of a trust statement's principals. */
  readonly principalLabels: DerivedTable<ParsedStatement, readonly string[]>;
  /** The summary of one statement's granted actions. */
  readonly permissionSummaries: DerivedTable<
    readonly ActionInfo[],
    PermissionSummary
  >;
  /** The summary of what one permission policy grants, analysed alone. */
  readonly policySummaries: DerivedTable<ParsedPolicy, PermissionSummary>;

  constructor(readonly maxEntries: number) {
    const enabled = maxEntries > 0;
    this.trustPolicies = new BoundedTable(maxEntries);
    this.permissionPolicies = new BoundedTable(maxEntries);
    this.matchers = new BoundedTable(maxEntries);
    this.matchersIgnoringCase = new BoundedTable(maxEntries);
    this.actionExpansions = new BoundedTable(maxEntries);
    this.roleArns = new BoundedTable(maxEntries);
    this.providerArns = new BoundedTable(maxEntries);
    this.providers = new DerivedTable(enabled);
    this.policyGrants = new DerivedTable(enabled);
    this.principalLabels = new DerivedTable(enabled);
    this.permissionSummaries = new DerivedTable(enabled);
    this.policySummaries = new DerivedTable(enabled);
  }

  clear(): void {
    for (const table of [
      this.trustPolicies,
      this.permissionPolicies,
      this.matchers,
      this.matchersIgnoringCase,
      this.actionExpansions,
      this.roleArns,
      this.providerArns,
      this.providers,
      this.policyGrants,
      this.principalLabels,
      this.permissionSummaries,
      this.policySummaries,
    ]) {
      table.clear();
    }
  }

  /** Compiles a wildcard pattern, or reuses its earlier compilation. */
  readonly matcher: WildcardCompiler = (pattern, ignoreCase = false) =>
    ignoreCase
      ? this.matchersIgnoringCase.get(pattern, compileIgnoringCase)
      : this.matchers.get(pattern, compileWildcard);

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
      ? this.trustPolicies.get(input, parseTrustPolicy)
      : this.permissionPolicies.get(input, parsePermissionPolicy);
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
