import {
  IAMClient,
  paginateGetAccountAuthorizationDetails,
  type ManagedPolicyDetail,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import type { RoleDetails } from '@irsa-backstage/plugin-irsa-common';
import { AwsClientFactory } from '../service/AwsClientFactory';

/**
 * An account's roles in bulk: `GetAccountAuthorizationDetails` (roles with
 * their trust policies, inline policies, attached policies, boundaries and
 * tags; the managed policies with their versions), paginated, instead of
 * GetRole + ListAttachedRolePolicies + GetPolicy... per role. Calls go
 * through AwsClientFactory: counted, timed, retried with backoff on
 * throttling. https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
 */
export class IamInventoryReader {
  constructor(private readonly aws: AwsClientFactory) {}

  async readRoles(accountId: string): Promise<RoleDetails[]> {
    const iam: IAMClient = await this.aws.iam(accountId);
    const roles: RoleDetail[] = [];
    const policies = new Map<string, ManagedPolicyDetail>();
    const pages = paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1000 },
      { Filter: ['Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] },
    );
    for await (const page of pages) {
      roles.push(...(page.RoleDetailList ?? []));
      for (const p of page.Policies ?? []) policies.set(p.Arn!, p);
    }
    return roles.map(r => toRoleDetails(r, policies));
  }
}

function toRoleDetails(
  role: RoleDetail,
  policies: Map<string, ManagedPolicyDetail>,
): RoleDetails {
  return {
    arn: role.Arn!,
    name: role.RoleName,
    trustPolicy: role.AssumeRolePolicyDocument ?? '',
    attachedPolicies: (role.AttachedManagedPolicies ?? []).map(a => ({
      arn: a.PolicyArn!,
      name: a.PolicyName,
      document: defaultDocument(policies.get(a.PolicyArn!)),
    })),
    inlinePolicies: (role.RolePolicyList ?? []).map(p => ({
      name: p.PolicyName!,
      document: p.PolicyDocument ?? '',
    })),
    permissionsBoundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn,
    tags: Object.fromEntries(
      (role.Tags ?? []).map(t => [t.Key!, t.Value ?? '']),
    ),
  };
}

function defaultDocument(
  policy: ManagedPolicyDetail | undefined,
): string | undefined {
  const version =
    policy?.PolicyVersionList?.find(v => v.IsDefaultVersion) ??
    policy?.PolicyVersionList?.find(
      v => v.VersionId === policy.DefaultVersionId,
    );
  return version?.Document;
}
