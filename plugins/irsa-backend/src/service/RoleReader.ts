import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { RoleDetails } from '@irsa-backstage/plugin-irsa-common';
import { AwsClientFactory } from './AwsClientFactory';

/**
 * Reads one IAM role with everything the analysis needs: trust policy, attached
 * managed policies with their default-version documents, inline policies,
 * permissions boundary and tags. Documents are kept as IAM returns them
 * (URL-encoded or plain JSON); irsa-common decodes either.
 */
export class RoleReader {
  constructor(private readonly aws: AwsClientFactory) {}

  /** The role, or `undefined` when it does not exist. */
  async readRole(roleArn: string, accountId: string, roleName: string): Promise<RoleDetails | undefined> {
    const iam = await this.aws.iam(accountId);
    let role;
    try {
      role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
    } catch (e) {
      if (e instanceof NoSuchEntityException) return undefined;
      throw e;
    }
    if (!role) return undefined;
    const [attachedPolicies, inlinePolicies] = await Promise.all([
      this.attachedPolicies(iam, roleName),
      this.inlinePolicies(iam, roleName),
    ]);
    return {
      arn: role.Arn ?? roleArn,
      name: role.RoleName,
      trustPolicy: role.AssumeRolePolicyDocument ?? '',
      attachedPolicies,
      inlinePolicies,
      permissionsBoundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn,
      tags: Object.fromEntries((role.Tags ?? []).map(t => [t.Key!, t.Value ?? ''])),
    };
  }

  private async attachedPolicies(iam: IAMClient, roleName: string) {
    const attached = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName })) {
      attached.push(...(page.AttachedPolicies ?? []));
    }
    return Promise.all(
      attached.map(async p => {
        const policy = await iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn! }));
        const versionId = policy.Policy?.DefaultVersionId;
        const version = versionId
          ? await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.PolicyArn!, VersionId: versionId }))
          : undefined;
        return {
          arn: p.PolicyArn!,
          name: p.PolicyName,
          defaultVersionId: versionId,
          document: version?.PolicyVersion?.Document,
        };
      }),
    );
  }

  private async inlinePolicies(iam: IAMClient, roleName: string) {
    const names: string[] = [];
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
      names.push(...(page.PolicyNames ?? []));
    }
    return Promise.all(
      names.map(async name => ({
        name,
        document:
          (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })))
            .PolicyDocument ?? '',
      })),
    );
  }
}
