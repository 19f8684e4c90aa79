/*
 * The analysis engine (irsa-common) over the real seeded estate: roles, policies and OIDC
 * providers as moto returns them (URL-encoded and plain JSON documents alike), service accounts
 * and pods as the kube-apiserver returns them to the backend's restricted identity. Each demo
 * component must get the verdict and findings its row in the README promises.
 *
 * Needs a running, seeded sandbox (sandbox/sandbox start && sandbox/sandbox seed).
 */
import fs from 'node:fs';
import {
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import type * as K8s from '@kubernetes/client-node';
import {
  analyzePermissions,
  analyzeServiceAccount,
  analyzeTrust,
  decodePolicyText,
  Finding,
} from '@irsa-backstage/plugin-irsa-common';
import { loadSettings, Settings } from './sandboxSettings';

type Analysis = {
  roleExists: boolean;
  allowed?: boolean;
  codes: string[];
  suggestedTrustPolicy?: unknown;
};

describe('analysis of the seeded demo estate', () => {
  let s: Settings;
  let iam: IAMClient;
  let core: K8s.CoreV1Api;
  let providers: Array<{ arn: string; clientIds: string[] }>;

  beforeAll(async () => {
    s = loadSettings();
    // ESM-only client: see sandbox.test.ts for why require() and not import().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k8s = require('@kubernetes/client-node') as typeof K8s;
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'demo-east', server: s.IRSA_SANDBOX_K8S_URL, caFile: s.IRSA_SANDBOX_K8S_CA_FILE }],
      users: [{ name: 'irsa-backstage', token: fs.readFileSync(s.IRSA_SANDBOX_BACKEND_TOKEN_FILE, 'utf8').trim() }],
      contexts: [{ name: 'demo-east', cluster: 'demo-east', user: 'irsa-backstage' }],
      currentContext: 'demo-east',
    });
    core = kc.makeApiClient(k8s.CoreV1Api);
    iam = new IAMClient({
      region: s.AWS_REGION,
      endpoint: s.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY },
    });
    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    providers = await Promise.all(
      (list.OpenIDConnectProviderList ?? []).map(async p => ({
        arn: p.Arn!,
        clientIds:
          (await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: p.Arn! })))
            .ClientIDList ?? [],
      })),
    );
  });

  async function policiesOf(roleName: string) {
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    const managed = await Promise.all(
      (attached.AttachedPolicies ?? []).map(async p => {
        const policy = await iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn! }));
        const version = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn: p.PolicyArn!, VersionId: policy.Policy!.DefaultVersionId! }),
        );
        return { arn: p.PolicyArn!, name: p.PolicyName, document: version.PolicyVersion!.Document! };
      }),
    );
    const inlineNames = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    const inline = await Promise.all(
      (inlineNames.PolicyNames ?? []).map(async name => {
        const p = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
        return { name, document: p.PolicyDocument! };
      }),
    );
    return [...managed, ...inline];
  }

  /** What discovery will do for one service account of demo-east. */
  async function analyze(namespace: string, name: string): Promise<Analysis> {
    const serviceAccount = await core.readNamespacedServiceAccount({ namespace, name });
    const pods = (await core.listNamespacedPod({ namespace })).items;
    const roleArn = serviceAccount.metadata!.annotations!['eks.amazonaws.com/role-arn'];
    const roleName = roleArn.split('/').pop()!;

    let role;
    try {
      role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
    } catch (e) {
      if (!(e instanceof NoSuchEntityException)) throw e;
    }
    const sa = analyzeServiceAccount({ serviceAccount, pods, roleExists: role !== undefined });
    const findings: Finding[] = [...sa.findings];
    if (!role) {
      return { roleExists: false, codes: findings.map(f => f.code) };
    }
    // GetRole answers URL-encoded JSON, as real IAM does
    expect(role.AssumeRolePolicyDocument).toMatch(/^%7B/);
    const trust = analyzeTrust({
      trustPolicy: role.AssumeRolePolicyDocument!,
      roleArn: role.Arn!,
      serviceAccount: { namespace, name, audience: sa.audience },
      oidcIssuer: s.IRSA_SANDBOX_DEMO_EAST_ISSUER,
      oidcProviders: providers,
    });
    const permissions = analyzePermissions({ policies: await policiesOf(roleName) });
    findings.push(...trust.findings, ...permissions.findings);
    return {
      roleExists: true,
      allowed: trust.allowed,
      codes: [...new Set(findings.map(f => f.code))].sort(),
      suggestedTrustPolicy: trust.suggestedTrustPolicy,
    };
  }

  it('payments-api: healthy, read-only S3, webhook-injected pod', async () => {
    const a = await analyze('payments', 'payments-api');
    expect(a).toMatchObject({ roleExists: true, allowed: true });
    expect(a.codes).toEqual([]);
  });

  it('orders-worker: namespace typo in sub denies, with a copyable fix; pod not injected', async () => {
    const a = await analyze('orders', 'orders-worker');
    expect(a.allowed).toBe(false);
    expect(a.codes).toEqual(expect.arrayContaining(['TRUST_SUB_MISMATCH', 'POD_NOT_INJECTED']));
    const host = s.IRSA_SANDBOX_DEMO_EAST_ISSUER.replace('https://', '');
    expect(JSON.stringify(a.suggestedTrustPolicy)).toContain(
      `"${host}:sub":"system:serviceaccount:orders:orders-worker"`,
    );
  });

  it("kaniko: KubeRocketCI's cluster-wide sub is allowed but critical; ecr:* flagged", async () => {
    const a = await analyze('ci', 'kaniko');
    expect(a.allowed).toBe(true);
    expect(a.codes).toEqual(expect.arrayContaining(['TRUST_SUB_WILDCARD_CLUSTER', 'PERM_SERVICE_WILDCARD']));
  });

  it('reports-job: sub without aud is allowed, aud unrestricted', async () => {
    const a = await analyze('reports', 'reports-job');
    expect(a.allowed).toBe(true);
    expect(a.codes).toContain('TRUST_AUD_UNRESTRICTED');
    expect(a.codes).not.toContain('TRUST_SUB_UNRESTRICTED');
  });

  it("inventory-sync: trusts demo-west's issuer, so demo-east's pods are refused", async () => {
    const a = await analyze('inventory', 'inventory-sync');
    expect(a.allowed).toBe(false);
    expect(a.codes).toContain('TRUST_ISSUER_MISMATCH');
  });

  it('admin-console: correct trust, admin policy, pod with a stale role', async () => {
    const a = await analyze('ops', 'admin-console');
    expect(a.allowed).toBe(true);
    expect(a.codes).toEqual(expect.arrayContaining(['PERM_ADMIN', 'POD_ROLE_STALE']));
    expect(a.codes.filter(c => c.startsWith('TRUST_'))).toEqual([]);
  });

  it('legacy-batch: the annotated role does not exist', async () => {
    const a = await analyze('batch', 'legacy-batch');
    expect(a).toEqual({ roleExists: false, codes: ['SA_ROLE_NOT_FOUND'] });
  });

  it('reads moto documents in both encodings the same way', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const plain = JSON.stringify(doc);
    expect(decodePolicyText(plain)).toEqual(decodePolicyText(encodeURIComponent(plain)));
  });
});
