import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import {
  addIrsaTrustStatement,
  analyzeTrust,
  AUDIENCE_ANNOTATION,
  buildIrsaTrustPolicy,
  buildOidcProviderArn,
  decodePolicyText,
  DEFAULT_AUDIENCE,
  normalizeIssuer,
  parsePolicyDocument,
  PolicyDocument,
  ProvisionChange,
  ProvisionResult,
  RoleDetails,
  ROLE_ARN_ANNOTATION,
  ServiceAccountLike,
} from '@irsa-backstage/plugin-irsa-common';
import { ClusterConfig } from '../service/config';
import {
  ENTITY_REF_TAG,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
} from '../service/entityLinks';
import { OidcProvider, RoleRef } from '../service/IamReader';
import { ObjectRef } from '../service/KubernetesReader';
import {
  INLINE_POLICY_NAME,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  ValidatedProvisionRequest,
} from './ProvisionRequestValidator';


/** What planning reads; every read is fresh (no cache may hide a change). */
export interface ProvisioningReads {
  issuer(cluster: ClusterConfig): Promise<string>;
  /** The account's OIDC providers that may be the issuer's (at least its own, when it exists). */
  oidcProviders(accountId: string, issuer: string): Promise<OidcProvider[]>;
  role(role: RoleRef): Promise<RoleDetails | undefined>;
  /** The role's trust policy only: what verifying an apply needs. */
  trustPolicy(role: RoleRef): Promise<string | undefined>;
  namespaceExists(cluster: ClusterConfig, namespace: string): Promise<boolean>;
  serviceAccount(
    cluster: ClusterConfig,
    ref: ObjectRef,
  ): Promise<ServiceAccountLike | undefined>;
}

/** A plan: the answer, and what applying it needs to know. */
export interface ProvisionPlan {
  result: ProvisionResult;
  issuer: string;
  oidcProviderArn: string;
  /** The role as it is; undefined when it is to be created. */
  role?: RoleDetails;
  /** The trust policy the role is to have. */
  trustPolicy: PolicyDocument;
  /** The service account as it is; undefined when it is to be created. */
  serviceAccount?: ServiceAccountLike;
  /** The annotations and labels the service account is to have (only these are written). */
  serviceAccountAnnotations: Record<string, string>;
  serviceAccountLabels: Record<string, string>;
}

/**
 * Reads the current state of a provisioning request's OIDC provider, role,
 * policies, namespace and service account, and computes the changes that
 * would reach the requested state; refuses (ConflictError) what the request's
 * flags do not allow. Writes nothing.
 */
export class ProvisionPlanner {
  constructor(
    private readonly reads: ProvisioningReads,
    private readonly options: { createOidcProvider: boolean },
  ) {}

  async plan(
    request: ValidatedProvisionRequest,
    entity: Entity,
  ): Promise<ProvisionPlan> {
    const {
      cluster,
      namespace,
      serviceAccount: name,
      roleArn,
      roleName,
    } = request;
    const changes: ProvisionChange[] = [];
    const saRef = `${cluster.name}/${namespace}/${name}`;

    // Reads, all at once (the issuer is cached per cluster).
    const issuer = await this.reads.issuer(cluster);
    const [providers, role, namespaceExists] = await Promise.all([
      this.reads.oidcProviders(cluster.accountId, issuer),
      this.reads.role({ arn: roleArn, accountId: cluster.accountId, roleName }),
      this.reads.namespaceExists(cluster, namespace),
    ]);
    const serviceAccount = namespaceExists
      ? await this.reads.serviceAccount(cluster, { namespace, name })
      : undefined;

    // The service account must not belong to another entity.
    const kubernetesId =
      entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION];
    const saLabel = serviceAccount?.metadata?.labels?.[KUBERNETES_ID_LABEL];
    if (saLabel !== undefined && saLabel !== kubernetesId) {
      throw new ConflictError(
        `Service account ${saRef} is labelled ${KUBERNETES_ID_LABEL}=${saLabel}, which is not ${
          request.entityRef
        }'s ${
          kubernetesId === undefined
            ? `(it has no ${KUBERNETES_ID_ANNOTATION} annotation)`
            : `(${kubernetesId})`
        }`,
      );
    }

    // The OIDC provider of the cluster's issuer, in the role's account.
    const oidcProviderArn = buildOidcProviderArn(
      cluster.accountId,
      normalizeIssuer(issuer),
    );
    const provider = providers.find(p => p.arn === oidcProviderArn);
    if (!provider) {
      if (!this.options.createOidcProvider) {
        throw new ConflictError(
          `Account ${cluster.accountId} has no IAM OIDC provider for the issuer of cluster ${cluster.name} (${oidcProviderArn}); create it, or set irsa.provisioning.createOidcProvider`,
        );
      }
      changes.push({
        target: 'oidc-provider',
        action: 'create',
        detail: `create ${oidcProviderArn} with client ID ${request.audience}`,
      });
    } else if (!provider.clientIds.includes(request.audience)) {
      throw new ConflictError(
        `The IAM OIDC provider ${oidcProviderArn} does not list the audience "${request.audience}" among its client IDs`,
      );
    }

    // The role, its trust policy and its policies.
    const trustParams = {
      accountId: cluster.accountId,
      oidcIssuer: issuer,
      namespace,
      serviceAccount: name,
      audience: request.audience,
    };
    let trustPolicy: PolicyDocument;
    if (!role) {
      trustPolicy = buildIrsaTrustPolicy(trustParams);
      changes.push({
        target: 'role',
        action: 'create',
        detail: `create ${roleArn} trusted by ${saRef} only${
          request.permissionsBoundaryArn
            ? `, permissions boundary ${request.permissionsBoundaryArn}`
            : ''
        }, ${Object.keys(request.tags).length} tags`,
      });
      for (const arn of request.managedPolicyArns) {
        changes.push({
          target: 'managed-policy',
          action: 'attach',
          detail: `attach ${arn}`,
        });
      }
      if (request.inlinePolicy) {
        changes.push({
          target: 'inline-policy',
          action: 'put',
          detail: `put inline policy ${INLINE_POLICY_NAME}`,
        });
      }
    } else {
      trustPolicy = this.planExistingRole(request, role, trustParams, changes);
    }

    // The namespace and the service account.
    if (!namespaceExists) {
      if (!request.createNamespace) {
        throw new ConflictError(
          `Namespace ${namespace} does not exist in cluster ${cluster.name}; create it, or ask for createNamespace`,
        );
      }
      changes.push({
        target: 'namespace',
        action: 'create',
        detail: `create namespace ${namespace}`,
      });
    }
    const serviceAccountAnnotations: Record<string, string> = {
      [ROLE_ARN_ANNOTATION]: roleArn,
    };
    if (request.audience !== DEFAULT_AUDIENCE) {
      serviceAccountAnnotations[AUDIENCE_ANNOTATION] = request.audience;
    }
    const serviceAccountLabels: Record<string, string> =
      kubernetesId === undefined ? {} : { [KUBERNETES_ID_LABEL]: kubernetesId };
    if (!serviceAccount) {
      changes.push({
        target: 'service-account',
        action: 'create',
        detail: `create ${saRef} annotated ${ROLE_ARN_ANNOTATION}=${roleArn}`,
      });
    } else {
      const current =
        serviceAccount.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
      if (
        current !== undefined &&
        current !== roleArn &&
        !request.overrideExistingServiceAccount
      ) {
        throw new ConflictError(
          `Service account ${saRef} is annotated with another role (${current}); ask for overrideExistingServiceAccount to replace it`,
        );
      }
      const missing = [
        ...Object.entries(serviceAccountAnnotations)
          .filter(([k, v]) => serviceAccount.metadata?.annotations?.[k] !== v)
          .map(([k, v]) => `annotation ${k}=${v}`),
        ...Object.entries(serviceAccountLabels)
          .filter(([k, v]) => serviceAccount.metadata?.labels?.[k] !== v)
          .map(([k, v]) => `label ${k}=${v}`),
      ];
      if (missing.length > 0) {
        changes.push({
          target: 'service-account',
          action: 'annotate',
          detail: `set ${missing.join(', ')} on ${saRef}`,
        });
      }
    }

    const verdict = analyzeTrust({
      trustPolicy,
      roleArn,
      serviceAccount: { namespace, name, audience: request.audience },
      oidcIssuer: issuer,
      oidcProviders: provider
        ? providers
        : [
            ...providers,
            { arn: oidcProviderArn, clientIds: [request.audience] },
          ],
      explain: false,
    });
    return {
      result: {
        roleArn,
        serviceAccount: { cluster: cluster.name, namespace, name },
        changes,
        verdict,
      },
      issuer,
      oidcProviderArn,
      role,
      trustPolicy,
      serviceAccount,
      serviceAccountAnnotations,
      serviceAccountLabels,
    };
  }

  private planExistingRole(
    request: ValidatedProvisionRequest,
    role: RoleDetails,
    trustParams: Parameters<typeof addIrsaTrustStatement>[1],
    changes: ProvisionChange[],
  ): PolicyDocument {
    const tags = role.tags ?? {};
    if (tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
      if (!request.adoptExistingRole) {
        throw new ConflictError(
          `Role ${request.roleArn} exists and is not managed by irsa-backstage (no tag ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE}); ask for adoptExistingRole to take it over`,
        );
      }
    } else if (
      tags[ENTITY_REF_TAG] !== undefined &&
      tags[ENTITY_REF_TAG] !== request.entityRef
    ) {
      throw new ConflictError(
        `Role ${request.roleArn} is managed for ${tags[ENTITY_REF_TAG]}, not ${request.entityRef}`,
      );
    }
    const wrongTags = Object.entries(request.tags).filter(
      ([k, v]) => tags[k] !== v,
    );
    if (wrongTags.length > 0) {
      changes.push({
        target: 'role',
        action: 'update',
        detail: `tag ${wrongTags.map(([k, v]) => `${k}=${v}`).join(', ')}`,
      });
    }
    if (
      request.permissionsBoundaryArn &&
      role.permissionsBoundaryArn !== request.permissionsBoundaryArn
    ) {
      changes.push({
        target: 'role',
        action: 'update',
        detail: `set permissions boundary ${request.permissionsBoundaryArn}`,
      });
    }
    const trust = addIrsaTrustStatement(role.trustPolicy, trustParams);
    if (trust.changed) {
      changes.push({
        target: 'trust-policy',
        action: 'update',
        detail: `add a statement trusting ${request.cluster.name}/${request.namespace}/${request.serviceAccount}`,
      });
    }
    const attached = (role.attachedPolicies ?? []).map(p => p.arn);
    for (const arn of request.managedPolicyArns.filter(
      a => !attached.includes(a),
    )) {
      changes.push({
        target: 'managed-policy',
        action: 'attach',
        detail: `attach ${arn}`,
      });
    }
    if (request.exclusive) {
      for (const arn of attached.filter(
        a => !request.managedPolicyArns.includes(a),
      )) {
        changes.push({
          target: 'managed-policy',
          action: 'detach',
          detail: `detach ${arn}`,
        });
      }
    }
    const inline = role.inlinePolicies ?? [];
    if (request.inlinePolicy) {
      const ours = inline.find(p => p.name === INLINE_POLICY_NAME);
      if (!ours || !samePolicy(ours.document, request.inlinePolicy)) {
        changes.push({
          target: 'inline-policy',
          action: 'put',
          detail: `${
            ours ? 'replace' : 'put'
          } inline policy ${INLINE_POLICY_NAME}`,
        });
      }
    }
    if (request.exclusive) {
      for (const p of inline.filter(
        i => i.name !== INLINE_POLICY_NAME || !request.inlinePolicy,
      )) {
        changes.push({
          target: 'inline-policy',
          action: 'delete',
          detail: `delete inline policy ${p.name}`,
        });
      }
    }
    return trust.policy;
  }
}

function samePolicy(current: unknown, wanted: PolicyDocument): boolean {
  try {
    const text =
      typeof current === 'string'
        ? decodePolicyText(current)
        : JSON.stringify(current);
    return (
      JSON.stringify(parsePolicyDocument(text, 'permission')) ===
      JSON.stringify(parsePolicyDocument(wanted, 'permission'))
    );
  } catch {
    return false;
  }
}
