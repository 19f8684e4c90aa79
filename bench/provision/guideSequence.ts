/*
 * Bench-only: the AWS CLI route of AWS's EKS user guide ("Assign IAM roles to Kubernetes
 * service accounts", Create and associate role (AWS CLI), then "Confirm configuration"),
 * one SDK or Kubernetes call per CLI command or kubectl request, so that its calls and
 * latency can be set beside /provision/apply's. Not product code: it does none of the
 * checks, rollback or audit the product does.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type * as K8s from '@kubernetes/client-node';

export interface GuideClients {
  iam: IAMClient;
  eks: EKSClient;
  sts: STSClient;
  core: K8s.CoreV1Api;
}

export interface GuideTarget {
  eksClusterName: string;
  namespace: string;
  serviceAccount: string;
  roleName: string;
}

/** `aws sts get-caller-identity`, `aws eks describe-cluster`, create-role, attach-role-policy, kubectl apply + annotate, then the guide's confirmation. */
export async function guideFreshCreate(c: GuideClients, t: GuideTarget, policyArn: string) {
  const account = (await c.sts.send(new GetCallerIdentityCommand({}))).Account!;
  const cluster = await c.eks.send(new DescribeClusterCommand({ name: t.eksClusterName }));
  const issuer = cluster.cluster!.identity!.oidc!.issuer!.replace(/^https:\/\//, '');
  await c.iam.send(
    new CreateRoleCommand({
      RoleName: t.roleName,
      Description: 'bench',
      AssumeRolePolicyDocument: JSON.stringify(trustPolicy(account, issuer, t)),
    }),
  );
  await c.iam.send(new AttachRolePolicyCommand({ RoleName: t.roleName, PolicyArn: policyArn }));
  await kubectlApplyServiceAccount(c.core, t);
  await kubectlAnnotate(c.core, t, `arn:aws:iam::${account}:role/${t.roleName}`);
  await guideConfirm(c, t);
}

/** What a person does to see that nothing needs to change: the guide's "Confirm configuration". */
export async function guideConfirm(c: GuideClients, t: GuideTarget) {
  await c.iam.send(new GetRoleCommand({ RoleName: t.roleName }));
  const attached = await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: t.roleName }));
  for (const p of attached.AttachedPolicies ?? []) {
    const policy = await c.iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn }));
    await c.iam.send(
      new GetPolicyVersionCommand({
        PolicyArn: p.PolicyArn,
        VersionId: policy.Policy!.DefaultVersionId,
      }),
    );
  }
  // kubectl describe serviceaccount: the object and its events.
  await c.core.readNamespacedServiceAccount({ name: t.serviceAccount, namespace: t.namespace });
  await c.core.listNamespacedEvent({
    namespace: t.namespace,
    fieldSelector: `involvedObject.name=${t.serviceAccount}`,
  });
}

/** One more policy: `aws iam attach-role-policy`, then the confirmation. */
export async function guideAddPolicy(c: GuideClients, t: GuideTarget, policyArn: string) {
  await c.iam.send(new AttachRolePolicyCommand({ RoleName: t.roleName, PolicyArn: policyArn }));
  await guideConfirm(c, t);
}

function trustPolicy(account: string, issuer: string, t: GuideTarget) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:aud`]: 'sts.amazonaws.com',
            [`${issuer}:sub`]: `system:serviceaccount:${t.namespace}:${t.serviceAccount}`,
          },
        },
      },
    ],
  };
}

/** `kubectl apply -f sa.yaml` for a new object: a GET that finds nothing, then a create. */
async function kubectlApplyServiceAccount(core: K8s.CoreV1Api, t: GuideTarget) {
  try {
    await core.readNamespacedServiceAccount({ name: t.serviceAccount, namespace: t.namespace });
  } catch {
    await core.createNamespacedServiceAccount({
      namespace: t.namespace,
      body: { metadata: { name: t.serviceAccount, namespace: t.namespace } },
    });
  }
}

/** `kubectl annotate serviceaccount`: a GET, then a merge patch. */
async function kubectlAnnotate(core: K8s.CoreV1Api, t: GuideTarget, roleArn: string) {
  await core.readNamespacedServiceAccount({ name: t.serviceAccount, namespace: t.namespace });
  const k8s = require('@kubernetes/client-node') as typeof K8s;
  await core.patchNamespacedServiceAccount(
    {
      name: t.serviceAccount,
      namespace: t.namespace,
      body: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': roleArn } } },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
}
