/**
 * Permission analysis: what may a role do, and what is risky about it?
 */
import { AnalysisCache, cacheTables, CacheTables } from '../analysisCache';
import { createFinding, sortFindings } from '../findings';
import type { ParsedStatement } from '../policy/parse';
import type { WildcardMatcher } from '../policy/wildcard';
import type {
  PermissionAnalysis,
  PermissionSummary,
} from '../schema/openapi/generated';
import type { Finding, FindingCode, PolicyDocument } from '../types';
import { AccessLevel, ActionInfo, allActionInfos } from './accessLevels';
import { expandActionInfos } from './actionIndex';
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

/** What an Allow or Deny statement grants, computed once per parsed statement. */
export interface StatementGrants {
  anyResource: boolean;
  /** True when the statement grants the (lower-case) action on its resources. */
  grants: (action: string) => boolean;
  /** The known actions it grants on its resources (table entries, no duplicates). */
  actions: readonly ActionInfo[];
}

/** An Allow statement of a policy. */
interface Grant extends StatementGrants {
  policy: PermissionPolicyInput;
  statement: ParsedStatement;
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

// Parsed statements are shared through the cache, so what they grant is
// computed once per policy text.
function statementGrants(
  statement: ParsedStatement,
  cache: CacheTables,
): StatementGrants {
  return cache.statementGrants.get(statement, s => computeGrants(s, cache));
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
  let actions: ActionInfo[];
  let test: (action: string) => boolean;
  if (statement.actionElement === 'Action') {
    const unique = new Set<ActionInfo>();
    for (const pattern of statement.actions) {
      for (const info of expandActionInfos(pattern, cache)) {
        if (onResources(info.service)) unique.add(info);
      }
    }
    actions = [...unique];
    test = action => hit(action) && onResources(serviceOf(action));
  } else {
    actions = allActionInfos().filter(
      info => !hit(info.name) && onResources(info.service),
    );
    test = action => !hit(action) && onResources(serviceOf(action));
  }
  return {
    anyResource: coversAnyResource(statement),
    grants: action => test(action.toLowerCase()),
    actions,
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
function statementFinding(
  grant: Grant,
  code: FindingCode,
  what: string,
  hint: string,
): Finding {
  const { policy, statement } = grant;
  return createFinding(code, `${where(policy, statement)} ${what}`, {
    statementIndex: statement.index,
    policyName: policy.name,
    policyArn: policy.arn,
    hint,
  });
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED
    ? `${shown} and ${values.length - MAX_LISTED} more`
    : shown;
}

function escalationFinding(
  grant: Grant,
  paths: readonly PrivilegeEscalationPath[],
): Finding {
  const actions = [...new Set(paths.flatMap(p => p.actions))];
  return statementFinding(
    grant,
    'PERM_PRIVILEGE_ESCALATION',
    `grants ${list(actions)}, which can ${paths
      .map(p => p.description)
      .join('; ')}.`,
    'Remove these actions, or limit them to specific resources and add a permissions boundary; an IRSA role rarely needs to manage IAM.',
  );
}

/** `"*"` (or `"*:*"`) on every resource. */
function isAdministrator(grant: Grant): boolean {
  return (
    grant.anyResource &&
    grant.statement.actionElement === 'Action' &&
    grant.statement.actions.some(a => a === '*' || a === '*:*')
  );
}

/**
 * The finding about the shape of one Allow statement's Action element, if
 * any: NotAction, `*` (with `admin` when on every resource), `service:*`.
 */
function actionShapeFinding(grant: Grant): {
  finding?: Finding;
  admin: boolean;
} {
  const { statement, anyResource } = grant;
  if (statement.actionElement === 'NotAction') {
    const finding = statementFinding(
      grant,
      'PERM_NOT_ACTION',
      `allows NotAction ${list(
        statement.actions,
      )}: every other action of every service${
        anyResource ? ' on every resource' : ''
      }, including ones AWS adds later.`,
      'List the actions the workload needs in Action instead.',
    );
    return { finding, admin: false };
  }
  const patterns = statement.actions.map(a => a.toLowerCase());
  if (patterns.some(p => p === '*' || p === '*:*')) {
    const finding = anyResource
      ? statementFinding(
          grant,
          'PERM_ADMIN',
          'allows "*" on every resource: full administrator access.',
          'Grant only the actions and resources the workload uses.',
        )
      : statementFinding(
          grant,
          'PERM_SERVICE_WILDCARD',
          `allows "*", every action of every service, on ${list(
            statement.resources,
          )}.`,
          'Grant only the actions the workload uses.',
        );
    return { finding, admin: anyResource };
  }
  const services = patterns.filter(p => /^[^:*?]+:\*$/.test(p));
  if (services.length === 0) return { admin: false };
  const finding = statementFinding(
    grant,
    'PERM_SERVICE_WILDCARD',
    `allows every action of ${list(services.map(s => s.slice(0, -2)))} (${list(
      services,
    )}), including actions AWS adds later.`,
    'List the actions the workload needs.',
  );
  return { finding, admin: false };
}

/** Write and permissions-management actions granted on every resource. */
function writeOnAnyResource(
  grant: Grant,
  effectiveActions: readonly ActionInfo[],
): Finding[] {
  if (!grant.anyResource) return [];
  const risky = effectiveActions
    .filter(info => !info.resourceless && RISKY_LEVELS.has(info.level))
    .map(info => info.name);
  if (risky.length === 0) return [];
  return [
    statementFinding(
      grant,
      'PERM_WRITE_ON_ANY_RESOURCE',
      `allows ${risky.length} write or permissions-management action${
        risky.length === 1 ? '' : 's'
      } on every resource: ${list(risky)}.`,
      'Name the resources (ARNs) these actions need instead of "*".',
    ),
  ];
}

/** The findings about one Allow statement, after the Deny statements. */
function grantFindings(
  grant: Grant,
  effectiveActions: readonly ActionInfo[],
  denied: (action: string) => boolean,
): Finding[] {
  const shape = actionShapeFinding(grant);
  const findings = shape.finding ? [shape.finding] : [];
  if (shape.admin) return findings; // everything else about it is implied
  const paths = SINGLE_ACTION_ESCALATIONS.filter(
    path =>
      path.actions.every(a => grant.grants(a) && !denied(a)) &&
      (grant.anyResource || !path.requireAnyResource?.length),
  );
  if (paths.length > 0) findings.push(escalationFinding(grant, paths));
  findings.push(...writeOnAnyResource(grant, effectiveActions));
  return findings;
}

/** The policies' Allow statements, unconditional denials and problems. */
interface ReadPolicies {
  /** AdministratorAccess attached by ARN. */
  findings: Finding[];
  malformedPolicies: NonNullable<AnalyzePermissionsResult['malformedPolicies']>;
  allows: Grant[];
  /** Deny statements on every resource without conditions: always denied. */
  denies: Array<(action: string) => boolean>;
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
    for (const statement of parsed.policy.statements) {
      const grants = statementGrants(statement, cache);
      if (statement.effect === 'Allow') {
        read.allows.push({ ...grants, policy, statement });
      } else if (grants.anyResource && statement.conditions.length === 0) {
        read.denies.push(grants.grants);
      }
    }
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
  const { findings, malformedPolicies, allows, denies } = readPolicies(
    input.policies,
    cache,
  );
  const denied = (action: string) => denies.some(test => test(action));
  const granted: Array<readonly ActionInfo[]> = [];
  for (const grant of allows) {
    const effectiveActions = denies.length
      ? grant.actions.filter(info => !denied(info.name))
      : grant.actions;
    granted.push(effectiveActions);
    findings.push(...grantFindings(grant, effectiveActions, denied));
  }
  // The first statement granting an action (after denies), if any.
  const grantOf = (action: string) =>
    allows.find(grant => grant.grants(action) && !denied(action));
  findings.push(...combinedEscalations(grantOf));
  return {
    findings: sortFindings(findings),
    summary: summarize(granted, cache),
    ...(malformedPolicies.length ? { malformedPolicies } : {}),
  };
}

/**
 * PassRole plus a service that runs code as the passed role, possibly
 * granted by different statements or policies.
 */
function combinedEscalations(
  grantOf: (action: string) => Grant | undefined,
): Finding[] {
  const findings: Finding[] = [];
  for (const path of COMBINED_ESCALATIONS) {
    const grants = path.actions.map(grantOf);
    if (grants.some(g => g === undefined)) continue;
    const first = grants[0]!;
    // "*" on "*" is already PERM_ADMIN.
    if (isAdministrator(first)) continue;
    const finding = escalationFinding(first, [path]);
    const others = [
      ...new Set(
        grants
          .slice(1)
          .filter(g => g !== first)
          .map(g =>
            where(g!.policy, g!.statement).replace(/^Policy/, 'policy'),
          ),
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
  return findings;
}

function summarize(
  granted: ReadonlyArray<readonly ActionInfo[]>,
  cache: CacheTables,
): PermissionSummary {
  // One statement (the common case): its summary is computed once.
  if (granted.length === 1) {
    const summary = cache.permissionSummaries.get(granted[0], countActions);
    return {
      actionsByAccessLevel: { ...summary.actionsByAccessLevel },
      services: [...summary.services],
    };
  }
  const union = new Set<ActionInfo>();
  for (const actions of granted) for (const info of actions) union.add(info);
  return countActions(union);
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
