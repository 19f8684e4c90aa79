import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import {
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  NoSuchEntityException,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { AttachedPolicy, RoleDetails } from '@irsa-backstage/plugin-irsa-common';
import { AwsClientFactory } from './AwsClientFactory';
import { EksClusterRef, IamReader, OidcProvider, PolicyRef, RoleRef } from './IamReader';

/**
 * The {@link IamReader} of the plugin: IAM and EKS through the AWS SDK clients
 * of {@link AwsClientFactory}, so every call is counted and bounded (time
 * limit, concurrency caps, adaptive retries).
 *
 * A role is read with everything the analysis needs: trust policy, attached
 * managed policies with their default-version documents, inline policies,
 * permissions boundary and tags. Documents are kept as IAM returns them
 * (URL-encoded or plain JSON); irsa-common decodes either.
 */
export class AwsIamReader implements IamReader {
  constructor(private readonly aws: AwsClientFactory) {}

  async readRole({ arn, accountId, roleName }: RoleRef): Promise<RoleDetails | undefined> {
    const iam = await this.aws.iam(accountId);
    const role = (await missingAsUndefined(iam.send(new GetRoleCommand({ RoleName: roleName }))))?.Role;
    if (!role) return undefined;
    const [attachedPolicies, inlinePolicies] = await Promise.all([
      this.attachedPolicies(iam, roleName),
      this.inlinePolicies(iam, roleName),
    ]);
    return {
      arn: role.Arn ?? arn,
      name: role.RoleName,
      trustPolicy: role.AssumeRolePolicyDocument ?? '',
      attachedPolicies,
      inlinePolicies,
      permissionsBoundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn,
      tags: Object.fromEntries((role.Tags ?? []).map(t => [t.Key!, t.Value ?? ''])),
    };
  }

  async readManagedPolicy({ arn, accountId }: PolicyRef): Promise<AttachedPolicy | undefined> {
    const iam = await this.aws.iam(accountId);
    return missingAsUndefined(this.managedPolicy(iam, arn));
  }

  async listOidcProviders(accountId: string): Promise<OidcProvider[]> {
    const iam = await this.aws.iam(accountId);
    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    return Promise.all(
      (list.OpenIDConnectProviderList ?? []).map(async ({ Arn }) => {
        const provider = await iam.send(
          new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: Arn! }),
        );
        return { arn: Arn!, clientIds: provider.ClientIDList ?? [] };
      }),
    );
  }

  async readTrustPolicy({ accountId, roleName }: RoleRef): Promise<string | undefined> {
    const iam = await this.aws.iam(accountId);
    const found = await missingAsUndefined(iam.send(new GetRoleCommand({ RoleName: roleName })));
    return found?.Role?.AssumeRolePolicyDocument;
  }

  async readOidcProvider(accountId: string, arn: string): Promise<OidcProvider | undefined> {
    const iam = await this.aws.iam(accountId);
    const provider = await missingAsUndefined(
      iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    );
    return provider && { arn, clientIds: provider.ClientIDList ?? [] };
  }

  async readClusterIssuer({ accountId, region, eksClusterName }: EksClusterRef): Promise<string | undefined> {
    const eks = await this.aws.eks(accountId, region);
    const res = await eks.send(new DescribeClusterCommand({ name: eksClusterName }));
    return res.cluster?.identity?.oidc?.issuer || undefined;
  }

  private async attachedPolicies(iam: IAMClient, roleName: string) {
    const attached = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName })) {
      attached.push(...(page.AttachedPolicies ?? []));
    }
    return Promise.all(attached.map(p => this.managedPolicy(iam, p.PolicyArn!, p.PolicyName)));
  }

  /** A managed policy and its default version's document (GetPolicy, GetPolicyVersion). */
  private async managedPolicy(iam: IAMClient, arn: string, name?: string): Promise<AttachedPolicy> {
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const versionId = policy.Policy?.DefaultVersionId;
    const version = versionId
      ? await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }))
      : undefined;
    return {
      arn,
      name: name ?? policy.Policy?.PolicyName,
      defaultVersionId: versionId,
      document: version?.PolicyVersion?.Document,
    };
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

/** The answer, or `undefined` when IAM says the thing does not exist (NoSuchEntity). */
async function missingAsUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof NoSuchEntityException) return undefined;
    throw e;
  }
}
