import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetAccountSummaryCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { ConflictError } from '@backstage/errors';
import type * as K8s from '@kubernetes/client-node';
import { PolicyDocument } from '@irsa-backstage/plugin-irsa-common';
import { AwsClientFactory } from '../service/AwsClientFactory';
import { ClusterConfig } from '../service/config';
import { KubernetesClientFactory } from '../service/KubernetesClientFactory';

/** A role in an account. */
export interface RoleTarget {
  accountId: string;
  roleName: string;
}

/** A service account or namespace in a cluster. */
export interface ServiceAccountTarget {
  cluster: ClusterConfig;
  namespace: string;
  name: string;
}

/**
 * Every write provisioning makes, each one call to IAM or Kubernetes, and the
 * inverse of each write that apply may have to undo.
 */
export interface ProvisioningWrites {
  createOidcProvider(
    accountId: string,
    issuerUrl: string,
    clientId: string,
  ): Promise<string>;
  deleteOidcProvider(accountId: string, arn: string): Promise<void>;
  createRole(
    role: RoleTarget,
    options: {
      path: string;
      trustPolicy: PolicyDocument;
      permissionsBoundaryArn?: string;
      tags: Record<string, string>;
    },
  ): Promise<void>;
  deleteRole(role: RoleTarget): Promise<void>;
  /** Checked against the account's AssumeRolePolicySizeQuota before writing. */
  updateTrustPolicy(role: RoleTarget, policy: PolicyDocument): Promise<void>;
  tagRole(role: RoleTarget, tags: Record<string, string>): Promise<void>;
  putPermissionsBoundary(role: RoleTarget, arn: string): Promise<void>;
  attachPolicy(role: RoleTarget, arn: string): Promise<void>;
  detachPolicy(role: RoleTarget, arn: string): Promise<void>;
  putInlinePolicy(
    role: RoleTarget,
    name: string,
    document: PolicyDocument,
  ): Promise<void>;
  deleteInlinePolicy(role: RoleTarget, name: string): Promise<void>;
  createNamespace(cluster: ClusterConfig, name: string): Promise<void>;
  deleteNamespace(cluster: ClusterConfig, name: string): Promise<void>;
  createServiceAccount(
    sa: ServiceAccountTarget,
    annotations: Record<string, string>,
    labels: Record<string, string>,
  ): Promise<void>;
  /** A JSON merge patch of only these annotations and labels; every other field is kept. */
  patchServiceAccount(
    sa: ServiceAccountTarget,
    annotations: Record<string, string>,
    labels: Record<string, string>,
  ): Promise<void>;
}

/** Loaded at first use, like KubernetesClientFactory does (the package is ESM-only). */
function k8s(): typeof K8s {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes/client-node') as typeof K8s;
}

/** {@link ProvisioningWrites} through the AWS SDK and the Kubernetes API. */
export class LiveProvisioningWrites implements ProvisioningWrites {
  constructor(
    private readonly aws: AwsClientFactory,
    private readonly kube: KubernetesClientFactory,
  ) {}

  async createOidcProvider(
    accountId: string,
    issuerUrl: string,
    clientId: string,
  ) {
    const iam = await this.aws.iam(accountId);
    const out = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: issuerUrl,
        ClientIDList: [clientId],
      }),
    );
    return out.OpenIDConnectProviderArn!;
  }

  async deleteOidcProvider(accountId: string, arn: string) {
    const iam = await this.aws.iam(accountId);
    await iam.send(
      new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
    );
  }

  async createRole(
    role: RoleTarget,
    options: {
      path: string;
      trustPolicy: PolicyDocument;
      permissionsBoundaryArn?: string;
      tags: Record<string, string>;
    },
  ) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new CreateRoleCommand({
        RoleName: role.roleName,
        Path: options.path,
        AssumeRolePolicyDocument: JSON.stringify(options.trustPolicy),
        PermissionsBoundary: options.permissionsBoundaryArn,
        Tags: Object.entries(options.tags).map(([Key, Value]) => ({
          Key,
          Value,
        })),
      }),
    );
  }

  async deleteRole(role: RoleTarget) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(new DeleteRoleCommand({ RoleName: role.roleName }));
  }

  async updateTrustPolicy(role: RoleTarget, policy: PolicyDocument) {
    const iam = await this.aws.iam(role.accountId);
    const text = JSON.stringify(policy);
    const summary = await iam.send(new GetAccountSummaryCommand({}));
    const quota = summary.SummaryMap?.AssumeRolePolicySizeQuota;
    // IAM counts the policy without whitespace.
    if (quota !== undefined && text.length > quota) {
      throw new ConflictError(
        `The trust policy of ${role.roleName} would be ${text.length} characters, more than the account's AssumeRolePolicySizeQuota of ${quota}`,
      );
    }
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: role.roleName,
        PolicyDocument: text,
      }),
    );
  }

  async tagRole(role: RoleTarget, tags: Record<string, string>) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new TagRoleCommand({
        RoleName: role.roleName,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }

  async putPermissionsBoundary(role: RoleTarget, arn: string) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new PutRolePermissionsBoundaryCommand({
        RoleName: role.roleName,
        PermissionsBoundary: arn,
      }),
    );
  }

  async attachPolicy(role: RoleTarget, arn: string) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: role.roleName, PolicyArn: arn }),
    );
  }

  async detachPolicy(role: RoleTarget, arn: string) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new DetachRolePolicyCommand({ RoleName: role.roleName, PolicyArn: arn }),
    );
  }

  async putInlinePolicy(
    role: RoleTarget,
    name: string,
    document: PolicyDocument,
  ) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role.roleName,
        PolicyName: name,
        PolicyDocument: JSON.stringify(document),
      }),
    );
  }

  async deleteInlinePolicy(role: RoleTarget, name: string) {
    const iam = await this.aws.iam(role.accountId);
    await iam.send(
      new DeleteRolePolicyCommand({
        RoleName: role.roleName,
        PolicyName: name,
      }),
    );
  }

  async createNamespace(cluster: ClusterConfig, name: string) {
    const core = await this.kube.core(cluster);
    await core.createNamespace({ body: { metadata: { name } } });
  }

  async deleteNamespace(cluster: ClusterConfig, name: string) {
    const core = await this.kube.core(cluster);
    await core.deleteNamespace({ name });
  }

  async createServiceAccount(
    sa: ServiceAccountTarget,
    annotations: Record<string, string>,
    labels: Record<string, string>,
  ) {
    const core = await this.kube.core(sa.cluster);
    await core.createNamespacedServiceAccount({
      namespace: sa.namespace,
      body: {
        metadata: {
          name: sa.name,
          namespace: sa.namespace,
          annotations,
          labels,
        },
      },
    });
  }

  async patchServiceAccount(
    sa: ServiceAccountTarget,
    annotations: Record<string, string>,
    labels: Record<string, string>,
  ) {
    const core = await this.kube.core(sa.cluster);
    const { setHeaderOptions, PatchStrategy } = k8s();
    await core.patchNamespacedServiceAccount(
      {
        name: sa.name,
        namespace: sa.namespace,
        body: { metadata: { annotations, labels } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}
