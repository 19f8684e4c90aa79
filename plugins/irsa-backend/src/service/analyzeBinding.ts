import {
  AnalysisCache,
  analyzePermissions,
  analyzeServiceAccount,
  analyzeTrust,
  AttachedPolicy,
  describePermissionStatements,
  Finding,
  PermissionAnalysis,
  PermissionStatement,
  PermissionStatementsPolicy,
  PodLike,
  RoleDetails,
  ServiceAccountLike,
  sortFindings,
  TrustVerdict,
} from '@irsa-backstage/plugin-irsa-common';
import { OidcProvider } from './IamReader';

/** What one binding's analysis concludes, from data already read. */
export interface BindingAnalysis {
  pods: Array<{ name: string; injectedRoleArn?: string }>;
  verdict?: TrustVerdict;
  permissions?: PermissionAnalysis;
  findings: Finding[];
}

/**
 * The analyses of one service account and the role it names, with no reads:
 * the entity view (BindingDiscovery) and the inventory both call it with
 * what they read. `role` undefined: the role does not exist (or is not
 * readable); `roleExists` undefined: unknown (another account).
 */
export function analyzeBinding(input: {
  serviceAccount: ServiceAccountLike;
  pods: PodLike[];
  role: RoleDetails | undefined;
  roleExists: boolean | undefined;
  /** The cluster's issuer; needed (and read) only when the role exists. */
  issuer: string | undefined;
  providers: OidcProvider[] | null;
  cache: AnalysisCache;
}): BindingAnalysis {
  const { serviceAccount, role, cache } = input;
  const sa = analyzeServiceAccount({
    serviceAccount,
    pods: input.pods,
    roleExists: input.roleExists,
  });
  const pods = sa.pods.map(p => ({
    name: p.name,
    injectedRoleArn: p.injectedRoleArn,
  }));
  if (!role || input.issuer === undefined) {
    return { pods, findings: sa.findings };
  }
  const { namespace, name } = serviceAccount.metadata ?? {};
  const verdict = analyzeTrust({
    trustPolicy: role.trustPolicy,
    roleArn: role.arn,
    serviceAccount: {
      namespace: namespace!,
      name: name!,
      audience: sa.audience,
    },
    oidcIssuer: input.issuer,
    oidcProviders: input.providers,
    cache,
  });
  const permissions = analyzeRolePermissions(role, cache);
  return {
    pods,
    verdict,
    permissions,
    findings: sortFindings([
      ...sa.findings,
      ...verdict.findings,
      ...permissions.findings,
    ]),
  };
}

/** What the role's identity policies allow, with their findings. */
export function analyzeRolePermissions(
  role: RoleDetails,
  cache: AnalysisCache,
) {
  return analyzePermissions({
    policies: [
      ...role.attachedPolicies
        .filter(p => p.document !== undefined)
        .map(p => ({ arn: p.arn, name: p.name, document: p.document! })),
      ...role.inlinePolicies.map(p => ({ name: p.name, document: p.document })),
    ],
    cache,
  });
}

/**
 * The permissions table's rows (entity view): every statement of the role's
 * managed and inline policies and of its boundary (when its document was
 * read), marked with the permission findings about it.
 */
export function rolePermissionStatements(
  role: RoleDetails,
  permissions: PermissionAnalysis,
  boundary: AttachedPolicy | undefined,
  cache: AnalysisCache,
): PermissionStatement[] {
  const policies: PermissionStatementsPolicy[] = [
    ...role.attachedPolicies
      .filter(p => p.document !== undefined)
      .map(p => ({
        kind: 'managed' as const,
        arn: p.arn,
        name: p.name,
        document: p.document!,
      })),
    ...role.inlinePolicies.map(p => ({
      kind: 'inline' as const,
      name: p.name,
      document: p.document,
    })),
    ...(boundary?.document !== undefined
      ? [
          {
            kind: 'boundary' as const,
            arn: boundary.arn,
            name: boundary.name,
            document: boundary.document,
          },
        ]
      : []),
  ];
  return describePermissionStatements({
    policies,
    findings: permissions.findings,
    cache,
  });
}
