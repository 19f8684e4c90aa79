/**
 * Permission analysis: what may a role do, and what is risky about it?
 */
import { createFinding, sortFindings } from '../findings';
import { parsePolicyCached } from '../policy/cache';
import type { ParsedStatement } from '../policy/parse';
import { compileWildcard, WildcardMatcher } from '../policy/wildcard';
import type { Finding, PolicyDocument } from '../types';
import {
  AccessLevel,
  actionInfo,
  expandActionPattern,
  listIamServices,
  serviceActions,
} from './accessLevels';
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
 * Input of {@link analyzePermissions} (DESIGN.md contract).
 *
 * @public
 */
export interface AnalyzePermissionsInput {
  policies: PermissionPolicyInput[];
}

/**
 * What the Allow statements grant, per service and access level, after
 * unconditional Deny statements are taken off.
 *
 * @public
 */
export interface PermissionSummary {
  /** Number of distinct known actions granted, per access level. */
  actionsByAccessLevel: Partial<Record<AccessLevel, number>>;
  /** Services with at least one granted action, sorted. */
  services: string[];
}

/**
 * Output of {@link analyzePermissions}: the DESIGN.md `findings`, plus a
 * summary and the policies that could not be parsed.
 *
 * @public
 */
export interface AnalyzePermissionsResult {
  findings: Finding[];
  summary?: PermissionSummary;
  /** Policies whose document is not valid policy JSON (not analysed). */
  malformedPolicies?: Array<{
    name?: string;
    arn?: string;
    problems: string[];
  }>;
}

const ADMINISTRATOR_ACCESS =
  /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const RISKY_LEVELS = new Set<AccessLevel>(['Write', 'Permissions management']);
const MAX_LISTED = 8;

/** An Allow statement with what the analysis needs from it. */
interface Grant {
  policy: PermissionPolicyInput;
  statement: ParsedStatement;
  anyResource: boolean;
  /** True when the statement grants the (lower-case) action. */
  grants: (action: string) => boolean;
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
 * Whether a statement can grant an action on any of its resources at all:
 * `"*"` on `arn:aws:s3:::bucket/*` grants no IAM action. Compares the service
 * segment of each resource ARN (wildcards allowed) with the action's service.
 */
function resourceFilter(
  statement: ParsedStatement,
): (action: string) => boolean {
  if (coversAnyResource(statement)) return () => true;
  const services: WildcardMatcher[] = [];
  for (const resource of statement.resources) {
    if (!resource.startsWith('arn:')) return () => true;
    services.push(compileWildcard(resource.split(':')[2] ?? '*', true));
  }
  return action => {
    const service = action.slice(0, action.indexOf(':'));
    const arnService = RESOURCE_SERVICE[service] ?? service;
    return services.some(matches => matches(arnService));
  };
}

/** True when the statement grants the (lower-case) action on some resource. */
function actionTest(statement: ParsedStatement): (action: string) => boolean {
  const matchers: WildcardMatcher[] = statement.actions.map(p =>
    compileWildcard(p, true),
  );
  const hit = (action: string) => matchers.some(m => m(action));
  const onResources = resourceFilter(statement);
  return statement.actionElement === 'Action'
    ? action => hit(action) && onResources(action)
    : action => !hit(action) && onResources(action);
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

function locate(policy: PermissionPolicyInput, statement: ParsedStatement) {
  return {
    statementIndex: statement.index,
    policyName: policy.name,
    policyArn: policy.arn,
  };
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED
    ? `${shown} and ${values.length - MAX_LISTED} more`
    : shown;
}

/** Every known action a statement grants (the expansion of its Action element). */
function grantedActions(
  statement: ParsedStatement,
  grants: Grant['grants'],
): Iterable<string> {
  if (statement.actionElement === 'Action') {
    return statement.actions
      .flatMap(p => expandActionPattern(p))
      .filter(grants);
  }
  const all: string[] = [];
  for (const service of listIamServices()) {
    for (const action of serviceActions(service)!.keys()) {
      const name = `${service}:${action}`;
      if (grants(name)) all.push(name);
    }
  }
  return all;
}

function escalationFinding(
  grant: Grant,
  paths: PrivilegeEscalationPath[],
): Finding {
  const actions = [...new Set(paths.flatMap(p => p.actions))];
  return createFinding(
    'PERM_PRIVILEGE_ESCALATION',
    `${where(grant.policy, grant.statement)} grants ${list(
      actions,
    )}, which can ${paths.map(p => p.description).join('; ')}.`,
    {
      ...locate(grant.policy, grant.statement),
      hint: 'Remove these actions, or limit them to specific resources and add a permissions boundary; an IRSA role rarely needs to manage IAM.',
    },
  );
}

/**
 * Analyses a role's permission policies for risks: administrator access,
 * privilege-escalation actions, `service:*`, write or permissions-management
 * actions on every resource, and NotAction. Deny statements are never risks;
 * unconditional Deny statements on every resource take their actions off the
 * grants. Wildcard actions are expanded against the access-level table.
 *
 * @param input - the policies (managed with ARN and/or name, inline by name)
 * @returns findings (most severe first) naming the policy and statement
 * @public
 */
export function analyzePermissions(
  input: AnalyzePermissionsInput,
): AnalyzePermissionsResult {
  const findings: Finding[] = [];
  const malformedPolicies: AnalyzePermissionsResult['malformedPolicies'] = [];
  const allows: Grant[] = [];
  const denies: Array<(action: string) => boolean> = [];

  for (const policy of input.policies) {
    if (policy.arn && ADMINISTRATOR_ACCESS.test(policy.arn)) {
      findings.push(
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
    const parsed = parsePolicyCached(policy.document, 'permission');
    if (!parsed.ok) {
      malformedPolicies.push({
        name: policy.name,
        arn: policy.arn,
        problems: parsed.problems,
      });
      continue;
    }
    for (const statement of parsed.policy.statements) {
      const anyResource = coversAnyResource(statement);
      if (statement.effect === 'Deny') {
        if (anyResource && statement.conditions.length === 0)
          denies.push(actionTest(statement));
        continue;
      }
      allows.push({
        policy,
        statement,
        anyResource,
        grants: actionTest(statement),
      });
    }
  }

  const denied = (action: string) => denies.some(test => test(action));
  const grantedSet = new Set<string>();
  const granting = new Map<string, Grant>(); // first grant of each escalation action

  for (const grant of allows) {
    const { policy, statement, anyResource } = grant;
    const effective = (action: string) =>
      grant.grants(action) && !denied(action);
    const patterns = statement.actions.map(a => a.toLowerCase());

    if (statement.actionElement === 'NotAction') {
      findings.push(
        createFinding(
          'PERM_NOT_ACTION',
          `${where(policy, statement)} allows NotAction ${list(
            statement.actions,
          )}: every other action of every service${
            anyResource ? ' on every resource' : ''
          }, including ones AWS adds later.`,
          {
            ...locate(policy, statement),
            hint: 'List the actions the workload needs in Action instead.',
          },
        ),
      );
    } else if (patterns.some(p => p === '*' || p === '*:*')) {
      if (anyResource) {
        findings.push(
          createFinding(
            'PERM_ADMIN',
            `${where(
              policy,
              statement,
            )} allows "*" on every resource: full administrator access.`,
            {
              ...locate(policy, statement),
              hint: 'Grant only the actions and resources the workload uses.',
            },
          ),
        );
        for (const action of grantedActions(statement, grant.grants))
          grantedSet.add(action);
        continue; // everything else about this statement is implied
      }
      findings.push(
        createFinding(
          'PERM_SERVICE_WILDCARD',
          `${where(
            policy,
            statement,
          )} allows "*", every action of every service, on ${list(
            statement.resources,
          )}.`,
          {
            ...locate(policy, statement),
            hint: 'Grant only the actions the workload uses.',
          },
        ),
      );
    } else {
      const services = patterns.filter(p => /^[^:*?]+:\*$/.test(p));
      if (services.length > 0) {
        findings.push(
          createFinding(
            'PERM_SERVICE_WILDCARD',
            `${where(policy, statement)} allows every action of ${list(
              services.map(s => s.slice(0, -2)),
            )} (${list(services)}), including actions AWS adds later.`,
            {
              ...locate(policy, statement),
              hint: 'List the actions the workload needs.',
            },
          ),
        );
      }
    }

    const paths = SINGLE_ACTION_ESCALATIONS.filter(
      path =>
        path.actions.every(effective) &&
        (anyResource || !path.requireAnyResource?.length),
    );
    if (paths.length > 0) findings.push(escalationFinding(grant, paths));

    const risky: string[] = [];
    for (const action of grantedActions(statement, grant.grants)) {
      if (denied(action)) continue;
      grantedSet.add(action);
      if (!granting.has(action)) granting.set(action, grant);
      if (anyResource) {
        const info = actionInfo(action);
        if (info && !info.resourceless && RISKY_LEVELS.has(info.level))
          risky.push(action);
      }
    }
    if (risky.length > 0) {
      const unique = [...new Set(risky)];
      findings.push(
        createFinding(
          'PERM_WRITE_ON_ANY_RESOURCE',
          `${where(policy, statement)} allows ${
            unique.length
          } write or permissions-management action${
            unique.length === 1 ? '' : 's'
          } on every resource: ${list(unique)}.`,
          {
            ...locate(policy, statement),
            hint: 'Name the resources (ARNs) these actions need instead of "*".',
          },
        ),
      );
    }
  }

  // PassRole plus a service that runs code as the passed role, possibly
  // granted by different statements or policies.
  for (const path of COMBINED_ESCALATIONS) {
    if (!path.actions.every(action => grantedSet.has(action))) continue;
    const grant = granting.get(path.actions[0]);
    if (!grant) continue;
    const finding = escalationFinding(grant, [path]);
    const others = path.actions
      .slice(1)
      .map(action => granting.get(action))
      .filter((g): g is Grant => g !== undefined && g !== grant)
      .map(g => where(g.policy, g.statement).replace(/^Policy/, 'policy'));
    if (others.length) {
      finding.message = finding.message.replace(
        /\.$/,
        ` (together with ${[...new Set(others)].join(', ')}).`,
      );
    }
    findings.push(finding);
  }

  return {
    findings: sortFindings(findings),
    summary: summarize(grantedSet),
    ...(malformedPolicies.length ? { malformedPolicies } : {}),
  };
}

function summarize(granted: Set<string>): PermissionSummary {
  const actionsByAccessLevel: Partial<Record<AccessLevel, number>> = {};
  const services = new Set<string>();
  for (const action of granted) {
    const info = actionInfo(action);
    if (!info) continue;
    actionsByAccessLevel[info.level] =
      (actionsByAccessLevel[info.level] ?? 0) + 1;
    services.add(action.slice(0, action.indexOf(':')));
  }
  return { actionsByAccessLevel, services: [...services].sort() };
}
