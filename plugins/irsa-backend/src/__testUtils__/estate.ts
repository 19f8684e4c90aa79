/*
 * Test helper: a small IRSA estate to put behind the in-memory readers — two EKS clusters
 * of one account, their issuers and IAM OIDC providers, and builders of roles, service
 * accounts and pods as IAM and the API server return them.
 */
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  buildOidcProviderArn,
  PodLike,
  ROLE_ARN_ANNOTATION,
  RoleDetails,
  ServiceAccountLike,
} from '@irsa-backstage/plugin-irsa-common';
import { IamEstate } from './inMemoryReaders';

export const ACCOUNT = '123456789012';
export const EAST_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/EAST0123456789ABCDEF0123456789AB';
export const WEST_ISSUER = 'https://oidc.eks.us-west-2.amazonaws.com/id/WEST0123456789ABCDEF0123456789AB';

/** `irsa.clusters` entries of the two EKS clusters (their issuers come from EKS). */
export const EAST_CLUSTER = { name: 'demo-east', accountId: ACCOUNT, region: 'us-east-1', url: 'https://east.invalid' };
export const WEST_CLUSTER = { name: 'demo-west', accountId: ACCOUNT, region: 'us-west-2', url: 'https://west.invalid' };

/** App-config with the given `irsa.clusters` (default: both clusters). */
export function clustersConfig(clusters: object[] = [EAST_CLUSTER, WEST_CLUSTER]) {
  return new ConfigReader({ irsa: { clusters } });
}

/** What EKS and IAM say of the two clusters: their issuers, each with its IAM OIDC provider. */
export function eksEstate(roles: RoleDetails[] = []): IamEstate {
  return {
    roles,
    clusterIssuers: {
      [`${ACCOUNT}/us-east-1/demo-east`]: EAST_ISSUER,
      [`${ACCOUNT}/us-west-2/demo-west`]: WEST_ISSUER,
    },
    oidcProviders: {
      [ACCOUNT]: [EAST_ISSUER, WEST_ISSUER].map(issuer => ({
        arn: buildOidcProviderArn(ACCOUNT, issuer),
        clientIds: ['sts.amazonaws.com'],
      })),
    },
  };
}

export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

export const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const S3_READ_ONLY_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
});

/**
 * A role as the EKS user guide writes it: `sts:AssumeRoleWithWebIdentity` for one service
 * account through one cluster's issuer, with S3 read-only attached (or `policy` inline).
 * The trust policy is URL-encoded, as GetRole returns it.
 */
export function irsaRole(
  name: string,
  trusts: { issuer: string; namespace: string; serviceAccount: string },
  policy?: object,
): RoleDetails {
  const host = trusts.issuer.replace('https://', '');
  const trustPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: buildOidcProviderArn(ACCOUNT, trusts.issuer) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${host}:sub`]: `system:serviceaccount:${trusts.namespace}:${trusts.serviceAccount}`,
            [`${host}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  };
  return {
    arn: roleArn(name),
    name,
    trustPolicy: encodeURIComponent(JSON.stringify(trustPolicy)),
    attachedPolicies: policy
      ? []
      : [{ arn: S3_READ_ONLY, name: 'AmazonS3ReadOnlyAccess', defaultVersionId: 'v1', document: S3_READ_ONLY_DOCUMENT }],
    inlinePolicies: policy ? [{ name: 'inline', document: JSON.stringify(policy) }] : [],
    tags: {},
  };
}

/** A service account; `role` names the role its eks.amazonaws.com/role-arn annotation names. */
export function serviceAccount(
  namespace: string,
  name: string,
  options: { labels?: Record<string, string>; role?: string; annotations?: Record<string, string> } = {},
): ServiceAccountLike {
  return {
    metadata: {
      namespace,
      name,
      labels: options.labels ?? {},
      annotations: {
        ...(options.role ? { [ROLE_ARN_ANNOTATION]: roleArn(options.role) } : {}),
        ...options.annotations,
      },
    },
  };
}

/**
 * A pod running as `serviceAccountName` (absent: `default`); `injectedRole` names the role
 * the EKS webhook injected into its container's environment (absent: not injected).
 */
export function pod(
  namespace: string,
  name: string,
  options: { serviceAccountName?: string; labels?: Record<string, string>; injectedRole?: string } = {},
): PodLike {
  const env = options.injectedRole
    ? [
        { name: 'AWS_ROLE_ARN', value: roleArn(options.injectedRole) },
        { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
      ]
    : [];
  return {
    metadata: { namespace, name, labels: options.labels ?? {} },
    spec: { serviceAccountName: options.serviceAccountName, containers: [{ name: 'app', env }] },
  };
}

/** A catalog Component with the given annotations. */
export function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team-payments', lifecycle: 'production' },
  };
}
