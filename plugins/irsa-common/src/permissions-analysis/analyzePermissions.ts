/**
 * Permission analysis: what may a role do, and what is risky about it?
 */
import { AnalysisCache, cacheTables, CacheTables } from '../analysisCache';
import { createFinding, sortFindings } from '../findings';
import type { ParsedPolicy, ParsedStatement } from '../policy/parse';
import type { WildcardMatcher } from '../policy/wildcard';
import type {
  PermissionAnalysis,
  PermissionSummary,
} from '../schema/openapi/generated';
import type { Finding, FindingCode, PolicyDocument } from '../types';
import type { AccessLevel, ActionInfo } from './accessLevels';
import { expandActionInfos } from './actionIndex';
import {
  ActionSet,
  actionsExcept,
  actionSetOf,
  countExcept,
  isSubset,
  summarizeUnion,
  unionOf,
} from './actionSet';
import {
  COMBINED_ESCALATIONS,
  PrivilegeEscalationPath,
  SINGLE_ACTION_ESCALATIONS,
} from './privilegeEscalation';

/**
 * A policy to analyse: inline (name) or managed (ARN, name).
 *
 * @public
 */
export interface PermissionPolicyInput {
  name?: string;
  arn?: string;
  /** Object, JSON, or URL-encoded JSON as IAM returns it. */
  document: string | PolicyDocument;
}

/**
 * Input of {@link analyzePermissions} (contract in docs/architecture.md).
 *
 * @public
 */
export interface AnalyzePermissionsInput {
  policies: PermissionPolicyInput[];
  /**
   * Shared with other analyses, so policies and patterns seen before are not
   * parsed again (see {@link createAnalysisCache}); default: one for this
   * call only.
   */
  cache?: AnalysisCache;
}

/**
 * Output of {@link analyzePermissions}: the API's {@link PermissionAnalysis}
 * (the `findings` of docs/architecture.md, plus a summary and the policies that could not be
 * parsed).
 *
 * @public
 */
export type AnalyzePermissionsResult = PermissionAnalysis;

const ADMINISTRATOR_ACCESS =
  /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const RISKY_LEVELS = new Set<AccessLevel>(['Write', 'Permissions management']);
const MAX_LISTED = 8;

/** What the unconditional Deny statements on every resource take away. */
interface Denials {
  statements: readonly StatementGrants[];
  /** The table actions denied; undefined when there are none. */
  set?: ActionSet;
}

const NO_DENIALS: Denials = { statements: [] };

/**
 * A finding about one statement, without its policy: the `<what>` of
 * `Policy "p" statement 0 <what>`.
 */
export interface FindingText {
  code: FindingCode;
  what: string;
  hint: string;
}

/** What an Allow or Deny statement grants, computed once per parsed statement. */
export interface StatementGrants {
  statement: ParsedStatement;
  anyResource: boolean;
  /** True when the statement grants the (lower-case) action on its resources. */
  grants: (action: string) => boolean;
  /** The known actions it grants on its resources (table entries, no duplicates). */
  actions: readonly ActionInfo[];
  /** The same actions as a set: what several statements grant is merged word by word. */
  actionSet: ActionSet;
  /** The access levels of `actions`, in the order they first appear. */
  levels: readonly AccessLevel[];
  /** Its write and permissions-management actions that need a resource, if on any resource. */
  riskyOnAnyResource: readonly ActionInfo[];
  /** The same as a set, to count what Deny statements leave. */
  riskySet: ActionSet;
  /** What its Action element looks like (lower case): `*`, `service:*`. */
  shape: { everyAction: boolean; serviceWildcards: readonly string[] };
  /** The single-action escalation paths it grants (before any Deny). */
  escalations: readonly PrivilegeEscalationPath[];
  /**
   * An Allow statement's findings when no Deny statement takes anything
   * away (the common case): written once, not on every analysis.
   */
  findingTexts: readonly FindingText[];
}

/** An Allow statement of a policy. */
interface Grant extends StatementGrants {
  policy: PermissionPolicyInput;
}

/** `*`, and ARNs made only of wildcards, mean every resource. */
function isAnyResource(resource: string): boolean {
  return resource === '*' || /^arn:(\*|aws[a-z-]*):\*(:\*)*$/.test(resource);
}

function coversAnyResource(statement: ParsedStatement): boolean {
  // NotResource excludes some resources and grants the rest: treat as any.
  return (
    statement.resourceElement === 'NotResource' ||
    statement.resources.some(isAnyResource)
  );
}

/** Services whose actions act on another service's ARNs. */
const RESOURCE_SERVICE: Record<string, string> = { sts: 'iam' };

/**
 * Whether a statement can grant a service's actions on any of its resources
 * at all: `"*"` on `arn:aws:s3:::bucket/*` grants no IAM action. Compares the
 * service segment of each resource ARN (wildcards allowed).
 */
function serviceFilter(
  statement: ParsedStatement,
  cache: CacheTables,
): (service: string) => boolean {
  if (coversAnyResource(statement)) return () => true;
  const services: WildcardMatcher[] = [];
  for (const resource of statement.resources) {
    if (!resource.startsWith('arn:')) return () => true;
    services.push(cache.matcher(resource.split(':')[2] ?? '*', true));
  }
  const known = new Map<string, boolean>();
  return service => {
    let result = known.get(service);
    if (result === undefined) {
      const arnService = RESOURCE_SERVICE[service] ?? service;
      result = services.some(matches => matches(arnService));
      known.set(service, result);
    }
    return result;
  };
}

// Parsed policies are shared through the cache, so what their statements
// grant is computed once per policy text (and looked up once per policy).
export function policyGrants(
  policy: ParsedPolicy,
  cache: CacheTables,
): readonly StatementGrants[] {
  return cache.policyGrants.get(policy, p =>
    p.statements.map(statement => computeGrants(statement, cache)),
  );
}

/**
 * The known actions a statement grants on its resources, in the order its
 * patterns list them (NotAction: table order).
 */
function grantedActions(
  statement: ParsedStatement,
  onResources: (service: string) => boolean,
  cache: CacheTables,
): readonly ActionInfo[] {
  const expansions = statement.actions.map(p => expandActionInfos(p, cache));
  if (statement.actionElement === 'NotAction') {
    return actionsExcept(actionSetOf(expansions.flat()), onResources);
  }
  // One pattern's expansion holds no duplicates.
  if (expansions.length === 1) {
    return expansions[0].filter(info => onResources(info.service));
  }
  const unique = new Set<ActionInfo>();
  for (const infos of expansions) {
    for (const info of infos) if (onResources(info.service)) unique.add(info);
  }
  return [...unique];
}

/** How the Action element is written, for the findings about its shape. */
function actionShape(statement: ParsedStatement): StatementGrants['shape'] {
  const patterns = statement.actions.map(a => a.toLowerCase());
  return {
    everyAction: patterns.some(p => p === '*' || p === '*:*'),
    serviceWildcards: patterns.filter(p => /^[^:*?]+:\*$/.test(p)),
  };
}

/** The write and permissions-management actions that take a resource, on `*`. */
function riskyActions(
  actions: readonly ActionInfo[],
  anyResource: boolean,
): Pick<StatementGrants, 'riskyOnAnyResource' | 'riskySet'> {
  const risky = anyResource
    ? actions.filter(info => !info.resourceless && RISKY_LEVELS.has(info.level))
    : [];
  return { riskyOnAnyResource: risky, riskySet: actionSetOf(risky) };
}

/**
 * `test`, keeping its answers: a statement is asked about the escalation
 * tables' actions (a bounded set of names) on every analysis.
 */
function remembered(
  test: (action: string) => boolean,
): (action: string) => boolean {
  const answers = new Map<string, boolean>();
  return action => {
    let answer = answers.get(action);
    if (answer === undefined) {
      answer = test(action);
      answers.set(action, answer);
    }
    return answer;
  };
}

function computeGrants(
  statement: ParsedStatement,
  cache: CacheTables,
): StatementGrants {
  // Table names are lower case, so patterns are lowered once instead of
  // folding every name.
  const matchers = statement.actions.map(p => cache.matcher(p.toLowerCase()));
  const hit = (action: string) => matchers.some(m => m(action));
  const onResources = serviceFilter(statement, cache);
  const serviceOf = (action: string) => action.slice(0, action.indexOf(':'));
  const listed = statement.actionElement === 'Action';
  // For a table action, the same answer as membership in `actions`.
  const test = (action: string) =>
    (listed ? hit(action) : !hit(action)) && onResources(serviceOf(action));
  const grants = remembered((action: string) => test(action.toLowerCase()));
  const actions = grantedActions(statement, onResources, cache);
  const anyResource = coversAnyResource(statement);
  const facts: Omit<StatementGrants, 'findingTexts'> = {
    statement,
    anyResource,
    grants,
    actions,
    actionSet: actionSetOf(actions),
    levels: [...new Set(actions.map(info => info.level))],
    shape: actionShape(statement),
    ...riskyActions(actions, anyResource),
    escalations: SINGLE_ACTION_ESCALATIONS.filter(
      path =>
        path.actions.every(grants) &&
        (anyResource || !path.requireAnyResource?.length),
    ),
  };
  const allow = statement.effect === 'Allow';
  return {
    ...facts,
    findingTexts: allow ? grantTexts(facts, NO_DENIALS) : [],
  };
}

function where(
  policy: PermissionPolicyInput,
  statement: ParsedStatement,
): string {
  const name = policy.name ?? policy.arn ?? 'policy';
  return `Policy "${name}" statement ${statement.index}${
    statement.sid ? ` (${statement.sid})` : ''
  }`;
}

/** A finding about one statement: `Policy "p" statement 0 <what>`. */
function statementFinding(grant: Grant, text: FindingText): Finding {
  const { policy, statement } = grant;
  return createFinding(text.code, `${where(policy, statement)} ${text.what}`, {
    statementIndex: statement.index,
    policyName: policy.name,
    policyArn: policy.arn,
    hint: text.hint,
  });
}

/** The first values, and how many more of `total` there are. */
function list(values: readonly string[], total = values.length): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return total > MAX_LISTED ? `${shown} and ${total - MAX_LISTED} more` : shown;
}

function escalationText(
  paths: readonly PrivilegeEscalationPath[],
): FindingText {
  const actions = [...new Set(paths.flatMap(p => p.actions))];
  return {
    code: 'PERM_PRIVILEGE_ESCALATION',
    what: `grants ${list(actions)}, which can ${paths
      .map(p => p.description)
      .join('; ')}.`,
    hint: 'Remove these actions, or limit them to specific resources and add a permissions boundary; an IRSA role rarely needs to manage IAM.',
  };
}

/** The facts about a statement its findings are written from. */
type StatementFacts = Omit<StatementGrants, 'findingTexts'>;

/** `"*"` (or `"*:*"`) on every resource. */
function isAdministrator(grant: StatementFacts): boolean {
  return (
    grant.anyResource &&
    grant.statement.actionElement === 'Action' &&
    grant.shape.everyAction
  );
}

/**
 * The finding about the shape of one Allow statement's Action element, if
 * any: NotAction, `*`, `service:*`.
 */
function actionShapeText(grant: StatementFacts): FindingText | undefined {
  const { statement, anyResource } = grant;
  if (statement.actionElement === 'NotAction') {
    return {
      code: 'PERM_NOT_ACTION',
      what: `allows NotAction ${list(
        statement.actions,
      )}: every other action of every service${
        anyResource ? ' on every resource' : ''
      }, including ones AWS adds later.`,
      hint: 'List the actions the workload needs in Action instead.',
    };
  }
  if (grant.shape.everyAction) {
    return anyResource
      ? {
          code: 'PERM_ADMIN',
          what: 'allows "*" on every resource: full administrator access.',
          hint: 'Grant only the actions and resources the workload uses.',
        }
      : {
          code: 'PERM_SERVICE_WILDCARD',
          what: `allows "*", every action of every service, on ${list(
            statement.resources,
          )}.`,
          hint: 'Grant only the actions the workload uses.',
        };
  }
  const services = grant.shape.serviceWildcards;
  if (services.length === 0) return undefined;
  return {
    code: 'PERM_SERVICE_WILDCARD',
    what: `allows every action of ${list(
      services.map(s => s.slice(0, -2)),
    )} (${list(services)}), including actions AWS adds later.`,
    hint: 'List the actions the workload needs.',
  };
}

/** Write and permissions-management actions granted on every resource. */
function writeOnAnyResourceText(
  grant: StatementFacts,
  denied?: ActionSet,
): FindingText | undefined {
  const risky = countExcept(grant.riskySet, denied);
  if (risky === 0) return undefined;
  // `*` has thousands: they are counted, and only the listed ones named.
  const named: string[] = [];
  for (const info of grant.riskyOnAnyResource) {
    if (named.length === MAX_LISTED) break;
    if (!denied?.has(info)) named.push(info.name);
  }
  return {
    code: 'PERM_WRITE_ON_ANY_RESOURCE',
    what: `allows ${risky} write or permissions-management action${
      risky === 1 ? '' : 's'
    } on every resource: ${list(named, risky)}.`,
    hint: 'Name the resources (ARNs) these actions need instead of "*".',
  };
}

/** Whether an action (any case) is denied. */
function isDenied(denied: Denials, action: string): boolean {
  for (const deny of denied.statements) if (deny.grants(action)) return true;
  return false;
}

/** The findings about one Allow statement, after the Deny statements. */
function grantTexts(grant: StatementFacts, denied: Denials): FindingText[] {
  const texts: FindingText[] = [];
  const shape = actionShapeText(grant);
  if (shape) texts.push(shape);
  if (isAdministrator(grant)) return texts; // everything else is implied
  const paths: PrivilegeEscalationPath[] = [];
  for (const path of grant.escalations) {
    if (!path.actions.some(a => isDenied(denied, a))) paths.push(path);
  }
  if (paths.length > 0) texts.push(escalationText(paths));
  const risky = writeOnAnyResourceText(grant, denied.set);
  if (risky) texts.push(risky);
  return texts;
}

/** Adds the findings about one Allow statement, after the Deny statements. */
function addGrantFindings(
  findings: Finding[],
  grant: Grant,
  denied: Denials,
): void {
  const texts = denied.statements.length
    ? grantTexts(grant, denied)
    : grant.findingTexts;
  for (const text of texts) findings.push(statementFinding(grant, text));
}

/** The policies' Allow statements, unconditional denials and problems. */
interface ReadPolicies {
  /** AdministratorAccess attached by ARN. */
  findings: Finding[];
  malformedPolicies: NonNullable<AnalyzePermissionsResult['malformedPolicies']>;
  allows: Grant[];
  /** Deny statements on every resource without conditions: always denied. */
  denies: StatementGrants[];
  /** The policies that could be parsed. */
  parsed: ParsedPolicy[];
}

function readPolicies(
  policies: PermissionPolicyInput[],
  cache: CacheTables,
): ReadPolicies {
  const read: ReadPolicies = {
    findings: [],
    malformedPolicies: [],
    allows: [],
    denies: [],
    parsed: [],
  };
  for (const policy of policies) {
    if (policy.arn && ADMINISTRATOR_ACCESS.test(policy.arn)) {
      read.findings.push(
        createFinding(
          'PERM_ADMIN',
          `The AWS managed policy AdministratorAccess (${policy.arn}) grants every action on every resource.`,
          {
            policyName: policy.name ?? 'AdministratorAccess',
            policyArn: policy.arn,
            hint: 'Detach it and grant only the actions and resources the workload uses.',
          },
        ),
      );
    }
    const parsed = cache.parsedPolicy(policy.document, 'permission');
    if (!parsed.ok) {
      const { name, arn } = policy;
      read.malformedPolicies.push({ name, arn, problems: parsed.problems });
      continue;
    }
    read.parsed.push(parsed.policy);
    const grantsOf = policyGrants(parsed.policy, cache);
    parsed.policy.statements.forEach((statement, i) => {
      const grants = grantsOf[i];
      if (statement.effect === 'Allow') {
        read.allows.push({ ...grants, policy });
      } else if (grants.anyResource && statement.conditions.length === 0) {
        read.denies.push(grants);
      }
    });
  }
  return read;
}

/**
 * Analyses a role's permission policies for risks: administrator access,
 * privilege-escalation actions, `service:*`, write or permissions-management
 * actions on every resource, and NotAction. Deny statements are never risks;
 * unconditional Deny statements on every resource take their actions off the
 * grants. Wildcard actions are expanded against the access-level table, and
 * an action only counts as granted on resources of its own service.
 *
 * @param input - the policies (managed with ARN and/or name, inline by name)
 * @returns findings (most severe first) naming the policy and statement, a
 *   summary of what is granted, and the policies that could not be parsed
 * @public
 */
export function analyzePermissions(
  input: AnalyzePermissionsInput,
): AnalyzePermissionsResult {
  const cache = cacheTables(input.cache);
  const read = readPolicies(input.policies, cache);
  const { findings, malformedPolicies, allows, denies } = read;
  const denied: Denials = {
    statements: denies,
    set: denies.length ? unionOf(denies.map(d => d.actionSet)) : undefined,
  };
  for (const grant of allows) addGrantFindings(findings, grant, denied);
  addCombinedEscalations(findings, allows, denied);
  return {
    findings: sortFindings(findings),
    summary: policiesSummary(read, denied.set, cache),
    ...(malformedPolicies.length ? { malformedPolicies } : {}),
  };
}

/**
 * PassRole plus a service that runs code as the passed role, possibly
 * granted by different statements or policies.
 */
function addCombinedEscalations(
  findings: Finding[],
  allows: readonly Grant[],
  denied: Denials,
): void {
  // Every path asks about iam:PassRole: its first grant is looked up once.
  const passRole = firstGrantOf('iam:passrole', allows, denied);
  for (const path of COMBINED_ESCALATIONS) {
    const grants: Grant[] = [];
    for (const action of path.actions) {
      const grant =
        action === 'iam:passrole'
          ? passRole
          : firstGrantOf(action, allows, denied);
      if (!grant) break;
      grants.push(grant);
    }
    if (grants.length < path.actions.length) continue;
    const first = grants[0];
    // "*" on "*" is already PERM_ADMIN.
    if (isAdministrator(first)) continue;
    const finding = statementFinding(first, escalationText([path]));
    const others = [
      ...new Set(
        grants
          .slice(1)
          .filter(g => g !== first)
          .map(g => where(g.policy, g.statement).replace(/^Policy/, 'policy')),
      ),
    ];
    if (others.length) {
      finding.message = finding.message.replace(
        /\.$/,
        ` (together with ${others.join(', ')}).`,
      );
    }
    findings.push(finding);
  }
}

/** The first statement granting an action (after denies), if any. */
function firstGrantOf(
  action: string,
  allows: readonly Grant[],
  denied: Denials,
): Grant | undefined {
  if (isDenied(denied, action)) return undefined;
  for (const grant of allows) if (grant.grants(action)) return grant;
  return undefined;
}

/**
 * The access levels of the granted actions in the order in which they first
 * appear, statement by statement: the order of the summary's keys.
 */
function levelsInOrder(
  allows: readonly Grant[],
  denied: ActionSet | undefined,
  present: number,
): AccessLevel[] {
  // At most five levels: an array is cheaper than a set.
  const seen: AccessLevel[] = [];
  const see = (level: AccessLevel) => {
    if (!seen.includes(level)) seen.push(level);
  };
  for (const grant of allows) {
    // Without denials, each statement's own order says it.
    if (!denied) grant.levels.forEach(see);
    else {
      for (const info of grant.actions) {
        if (seen.length === present) break;
        if (!denied.has(info)) see(info.level);
      }
    }
  }
  return seen;
}

// Up to this many actions, a set of them is cheaper than word operations.
const SMALL_UNION = 64;

/** The actions the statements grant, after denials, in the order they list them. */
function unionInOrder(
  allows: readonly Grant[],
  denied: ActionSet | undefined,
): Set<ActionInfo> {
  const union = new Set<ActionInfo>();
  for (const grant of allows) {
    for (const info of grant.actions) if (!denied?.has(info)) union.add(info);
  }
  return union;
}

/** The statement granting every action the others grant, if any. */
function coveringGrant(allows: readonly Grant[]): Grant | undefined {
  let largest: Grant | undefined;
  for (const grant of allows) {
    if (!largest || grant.actions.length > largest.actions.length) {
      largest = grant;
    }
  }
  const cover = largest?.actionSet;
  return cover && allows.every(grant => isSubset(grant.actionSet, cover))
    ? largest
    : undefined;
}

/**
 * What the policies grant together. One policy analysed alone (the common
 * case) has its summary computed once; callers get their own copy.
 */
function policiesSummary(
  read: ReadPolicies,
  denied: ActionSet | undefined,
  cache: CacheTables,
): PermissionSummary {
  if (read.parsed.length !== 1) return summarize(read.allows, denied, cache);
  const summary = cache.policySummaries.get(read.parsed[0], () =>
    summarize(read.allows, denied, cache),
  );
  return {
    actionsByAccessLevel: { ...summary.actionsByAccessLevel },
    services: [...summary.services],
  };
}

/** What the Allow statements grant together, after the Deny statements. */
function summarize(
  allows: readonly Grant[],
  denied: ActionSet | undefined,
  cache: CacheTables,
): PermissionSummary {
  // Without denials, when one statement grants all the others do (one
  // statement, or `*` / NotAction beside a few): its summary, computed once.
  const cover = denied ? undefined : coveringGrant(allows);
  if (cover) {
    const summary = cache.permissionSummaries.get(cover.actions, countActions);
    const actionsByAccessLevel: Partial<Record<AccessLevel, number>> = {};
    for (const level of levelsInOrder(allows, undefined, 0)) {
      actionsByAccessLevel[level] = summary.actionsByAccessLevel[level];
    }
    return { actionsByAccessLevel, services: [...summary.services] };
  }
  let total = 0;
  for (const grant of allows) total += grant.actions.length;
  if (total <= SMALL_UNION) return countActions(unionInOrder(allows, denied));
  const { counts, services } = summarizeUnion(
    allows.map(grant => grant.actionSet),
    denied,
  );
  const actionsByAccessLevel: Partial<Record<AccessLevel, number>> = {};
  for (const level of levelsInOrder(allows, denied, counts.size)) {
    actionsByAccessLevel[level] = counts.get(level);
  }
  return { actionsByAccessLevel, services };
}

function countActions(actions: Iterable<ActionInfo>): PermissionSummary {
  const actionsByAccessLevel: Partial<Record<AccessLevel, number>> = {};
  const services = new Set<string>();
  for (const info of actions) {
    actionsByAccessLevel[info.level] =
      (actionsByAccessLevel[info.level] ?? 0) + 1;
    services.add(info.service);
  }
  return { actionsByAccessLevel, services: [...services].sort() };
}
