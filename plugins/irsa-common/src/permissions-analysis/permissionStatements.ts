/**
 * The rows of the permissions table: every statement of a role's policies
 * with what its Action element expands to, counted (never the thousands of
 * names `*` stands for), its resources, conditions and the findings about it.
 *
 * Why here and not in the browser: the expansion needs the action catalogue
 * (hundreds of KB), which the frontend must not load; the backend computes
 * the rows beside the permission analysis and sends them with the binding.
 */
import { AnalysisCache, cacheTables } from '../analysisCache';
import type {
  ActionsByAccessLevel,
  PermissionStatement,
  SimulationPolicy,
  StatementActions,
} from '../schema/openapi/generated';
import type { Finding, FindingCode } from '../types';
import { listIamServices } from './accessLevels';
import { expandActionInfos } from './actionIndex';
import {
  PermissionPolicyInput,
  policyGrants,
  StatementGrants,
} from './analyzePermissions';

/** Up to this many actions, a row carries their names. */
export const MAX_NAMED_ACTIONS = 50;

/**
 * A policy whose statements become rows: an identity policy (attached
 * managed or inline) or the permissions boundary.
 *
 * @public
 */
export interface PermissionStatementsPolicy extends PermissionPolicyInput {
  kind: SimulationPolicy['kind'];
}

/**
 * Input of {@link describePermissionStatements}.
 *
 * @public
 */
export interface DescribePermissionStatementsInput {
  policies: PermissionStatementsPolicy[];
  /** The permission findings of the same policies: each row gets the codes of those about it. */
  findings?: readonly Finding[];
  /** Shared with analyzePermissions, so the policies are parsed and expanded once. */
  cache?: AnalysisCache;
}

// What a statement covers depends only on the statement, whose grants the
// analysis cache keeps per policy text: counted once per grants object.
const countedGrants = new WeakMap<StatementGrants, StatementActions>();

function countGrants(grants: StatementGrants): StatementActions {
  let counted = countedGrants.get(grants);
  if (counted) return counted;
  const byLevel: ActionsByAccessLevel = {};
  const byService = new Map<string, number>();
  for (const info of grants.actions) {
    byLevel[info.level] = (byLevel[info.level] ?? 0) + 1;
    byService.set(info.service, (byService.get(info.service) ?? 0) + 1);
  }
  const services = [...byService.keys()].sort();
  counted = {
    actionCount: grants.actions.length,
    actionsByAccessLevel: byLevel,
    serviceCount: services.length,
    allServices: services.length === listIamServices().length,
    services: services.map(service => ({
      service,
      actionCount: byService.get(service)!,
    })),
    ...(grants.actions.length <= MAX_NAMED_ACTIONS
      ? { actions: grants.actions.map(info => info.name) }
      : {}),
  };
  countedGrants.set(grants, counted);
  return counted;
}

/** The policy as the API names it, without empty fields. */
function policyRef(policy: PermissionStatementsPolicy): SimulationPolicy {
  return {
    kind: policy.kind,
    ...(policy.name !== undefined ? { name: policy.name } : {}),
    ...(policy.arn !== undefined ? { arn: policy.arn } : {}),
  };
}

/**
 * The codes of the findings about a statement: those naming its policy and
 * its index, or its policy without an index (AdministratorAccess by ARN).
 */
function findingCodesOf(
  findings: readonly Finding[],
  policy: PermissionStatementsPolicy,
  index: number,
): FindingCode[] {
  const codes = new Set<FindingCode>();
  for (const finding of findings) {
    const samePolicy = policy.arn
      ? finding.policyArn === policy.arn
      : finding.policyArn === undefined && finding.policyName === policy.name;
    if (!samePolicy) continue;
    if (
      finding.statementIndex === undefined ||
      finding.statementIndex === index
    ) {
      codes.add(finding.code);
    }
  }
  return [...codes];
}

/**
 * One row per statement of the policies, in their order: the policy (kind,
 * name, ARN), effect, each Action value with the number of catalogue actions
 * it matches, what the statement covers on its resources counted by access
 * level and service (names only up to MAX_NAMED_ACTIONS, 50), resources,
 * conditions, and the codes of the findings about it. Boundary findings are
 * not expected (the analysis does not look at boundaries). A policy that
 * cannot be parsed has no rows (the analysis reports it as malformed).
 *
 * @public
 */
export function describePermissionStatements(
  input: DescribePermissionStatementsInput,
): PermissionStatement[] {
  const cache = cacheTables(input.cache);
  const findings = (input.findings ?? []).filter(f =>
    f.code.startsWith('PERM_'),
  );
  const rows: PermissionStatement[] = [];
  for (const policy of input.policies) {
    const parsed = cache.parsedPolicy(policy.document, 'permission');
    if (!parsed.ok) continue;
    const grants = policyGrants(parsed.policy, cache);
    parsed.policy.statements.forEach((statement, i) => {
      rows.push({
        policy: policyRef(policy),
        statementIndex: statement.index,
        ...(statement.sid ? { sid: statement.sid } : {}),
        effect: statement.effect,
        actionElement: statement.actionElement,
        patterns: statement.actions.map(pattern => ({
          pattern,
          actionCount: expandActionInfos(pattern, cache).length,
        })),
        granted: countGrants(grants[i]),
        ...(statement.resourceElement
          ? { resourceElement: statement.resourceElement }
          : {}),
        resources: statement.resources,
        conditions: statement.conditions.map(c => ({
          operator: c.operator.name,
          key: c.key,
          values: c.values,
        })),
        findingCodes:
          policy.kind === 'boundary'
            ? []
            : findingCodesOf(findings, policy, statement.index),
      });
    });
  }
  return rows;
}
