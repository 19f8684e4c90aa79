/*
 * Smoke tests that prove the local sandbox's parts are real (see sandbox/README.md):
 * moto answers IAM/EKS calls with the seeded estate, the kube-apiserver enforces RBAC for the
 * backend's restricted token, and its service-account issuer is the one moto's EKS reports.
 *
 * They need a running, seeded sandbox:
 *   sandbox/sandbox start && sandbox/sandbox seed
 * Settings come from the environment (`eval "$(sandbox/sandbox env)"`); when absent, the tests
 * run `sandbox/sandbox env` themselves. They fail (never skip) when the sandbox is not running.
 */
import fs from 'node:fs';
import {
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  Role,
} from '@aws-sdk/client-iam';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import type * as K8s from '@kubernetes/client-node';
import { loadSettings, Settings } from '../__testUtils__/sandboxSettings';

/**
 * What seed.yaml creates: component -> namespace/service account, role name and the
 * annotation key naming the role (eks.amazonaws.com/role-arn unless given).
 */
const SEEDED: Array<{
  component: string;
  namespace: string;
  role: string;
  annotationKey?: string;
}> = [
  {
    component: 'payments-api',
    namespace: 'payments',
    role: 'irsa-demo-payments-api',
  },
  {
    component: 'orders-worker',
    namespace: 'orders',
    role: 'irsa-demo-orders-worker',
  },
  { component: 'kaniko', namespace: 'ci', role: 'irsa-demo-kaniko' },
  {
    component: 'reports-job',
    namespace: 'reports',
    role: 'irsa-demo-reports-job',
  },
  {
    component: 'inventory-sync',
    namespace: 'inventory',
    role: 'irsa-demo-inventory-sync',
  },
  {
    component: 'admin-console',
    namespace: 'ops',
    role: 'irsa-demo-admin-console',
  },
  {
    component: 'legacy-batch',
    namespace: 'batch',
    role: 'irsa-demo-legacy-batch',
  },
  {
    component: 'billing-exporter',
    namespace: 'billing',
    role: 'irsa-demo-billing-exporter',
    // misspelt on purpose (roleAnnotationKey in seed.yaml)
    annotationKey: 'eks.amazon.com/role-arn',
  },
];
const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const ACCOUNT = '123456789012';

/** moto returns ListRoles documents as plain JSON, real IAM URL-encodes them. */
function parsePolicy(doc: string | undefined): any {
  if (!doc) return undefined;
  return JSON.parse(
    doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc),
  );
}

function jwtClaims(token: string): Record<string, any> {
  return JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
  );
}

describe('local sandbox (sandbox/sandbox start && sandbox/sandbox seed)', () => {
  let s: Settings;
  let k8s: typeof K8s;
  let token: string;
  let restricted: K8s.KubeConfig;
  const awsClientConfig = (region: string) => ({
    region,
    endpoint: s.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: s.AWS_ACCESS_KEY_ID,
      secretAccessKey: s.AWS_SECRET_ACCESS_KEY,
    },
  });

  beforeAll(async () => {
    s = loadSettings();
    // @kubernetes/client-node 2.x is ESM-only. Types are imported statically; the runtime is
    // loaded with require(), which Backstage's jest transforms (a dynamic import() would need
    // NODE_OPTIONS=--experimental-vm-modules under jest; plain Node 24 can require() ESM too).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    k8s = require('@kubernetes/client-node') as typeof K8s;
    token = fs.readFileSync(s.IRSA_SANDBOX_BACKEND_TOKEN_FILE, 'utf8').trim();
    restricted = new k8s.KubeConfig();
    restricted.loadFromOptions({
      clusters: [
        {
          name: 'demo-east',
          server: s.IRSA_SANDBOX_K8S_URL,
          caFile: s.IRSA_SANDBOX_K8S_CA_FILE,
        },
      ],
      users: [{ name: 'irsa-backstage', token }],
      contexts: [
        { name: 'demo-east', cluster: 'demo-east', user: 'irsa-backstage' },
      ],
      currentContext: 'demo-east',
    });
  });

  it('moto: the IAM client lists the seeded roles', async () => {
    const iam = new IAMClient(awsClientConfig(s.AWS_REGION));
    const roles: Role[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(
        new ListRolesCommand({ Marker: marker, MaxItems: 100 }),
      );
      roles.push(...(page.Roles ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    const names = roles.map(r => r.RoleName);
    const expected = SEEDED.filter(c => c.component !== 'legacy-batch').map(
      c => c.role,
    );
    if (!expected.every(n => names.includes(n))) {
      throw new Error(
        `seeded roles missing in moto (run sandbox/sandbox seed): ${expected
          .filter(n => !names.includes(n))
          .join(', ')}`,
      );
    }
    // legacy-batch's annotation names a role that must not exist
    expect(names).not.toContain('irsa-demo-legacy-batch');

    const payments = roles.find(r => r.RoleName === 'irsa-demo-payments-api')!;
    expect(payments.Arn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api`,
    );
    const host = s.IRSA_SANDBOX_DEMO_EAST_ISSUER.replace(/^https:\/\//, '');
    const trust = parsePolicy(payments.AssumeRolePolicyDocument);
    expect(trust.Statement[0].Principal.Federated).toBe(
      `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`,
    );
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      [`${host}:sub`]: 'system:serviceaccount:payments:payments-api',
      [`${host}:aud`]: 'sts.amazonaws.com',
    });

    const providers = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    const arns = (providers.OpenIDConnectProviderList ?? []).map(p => p.Arn);
    for (const issuer of [
      s.IRSA_SANDBOX_DEMO_EAST_ISSUER,
      s.IRSA_SANDBOX_DEMO_WEST_ISSUER,
    ]) {
      expect(arns).toContain(
        `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace(
          /^https:\/\//,
          '',
        )}`,
      );
    }
  });

  it('kube-apiserver: the restricted token lists the seeded service accounts and pods', async () => {
    const core = restricted.makeApiClient(k8s.CoreV1Api);
    const list = await core.listServiceAccountForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id',
    });
    const found = list.items.map(sa => ({
      component: sa.metadata?.labels?.['backstage.io/kubernetes-id'],
      namespace: sa.metadata?.namespace,
      name: sa.metadata?.name,
      annotations: sa.metadata?.annotations ?? {},
    }));
    expect(found).toEqual(
      expect.arrayContaining(
        SEEDED.map(c =>
          expect.objectContaining({
            component: c.component,
            namespace: c.namespace,
            name: c.component,
            annotations: expect.objectContaining({
              [c.annotationKey ?? ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/${c.role}`,
            }),
          }),
        ),
      ),
    );

    const pods = await core.listNamespacedPod({ namespace: 'payments' });
    const env = pods.items[0]?.spec?.containers[0]?.env ?? [];
    expect(env).toEqual(
      expect.arrayContaining([
        {
          name: 'AWS_ROLE_ARN',
          value: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api`,
        },
        {
          name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
          value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
        },
      ]),
    );
  });

  it('kube-apiserver: RBAC refuses what the restricted identity may not do (403)', async () => {
    const core = restricted.makeApiClient(k8s.CoreV1Api);
    const status = async (call: () => Promise<unknown>) => {
      try {
        await call();
        return 200;
      } catch (e) {
        return (e as { code?: number }).code;
      }
    };
    // dryRun: should RBAC ever allow it, nothing is deleted
    expect(
      await status(() =>
        core.deleteNamespace({ name: 'batch', dryRun: 'All' }),
      ),
    ).toBe(403);
    expect(await status(() => core.listSecretForAllNamespaces())).toBe(403);
    expect(await status(() => core.readNamespace({ name: 'payments' }))).toBe(
      200,
    );
  });

  it("kube-apiserver's service-account issuer equals moto's EKS issuer for demo-east", async () => {
    const discovery = await restricted
      .makeApiClient(k8s.WellKnownApi)
      .getServiceAccountIssuerOpenIDConfiguration();
    const k8sIssuer = (
      typeof discovery === 'string' ? JSON.parse(discovery) : discovery
    ).issuer;

    const eks = new EKSClient(awsClientConfig('us-east-1'));
    const cluster = await eks.send(
      new DescribeClusterCommand({ name: 'demo-east' }),
    );
    const motoIssuer = cluster.cluster?.identity?.oidc?.issuer;

    expect(motoIssuer).toMatch(
      /^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/.+/,
    );
    expect(k8sIssuer).toBe(motoIssuer);
    expect(s.IRSA_SANDBOX_DEMO_EAST_ISSUER).toBe(motoIssuer);
    // the tokens the apiserver signs carry that issuer (as EKS's projected tokens do)
    expect(jwtClaims(token).iss).toBe(motoIssuer);

    const west = await new EKSClient(awsClientConfig('us-west-2')).send(
      new DescribeClusterCommand({ name: 'demo-west' }),
    );
    expect(west.cluster?.identity?.oidc?.issuer).toBe(
      s.IRSA_SANDBOX_DEMO_WEST_ISSUER,
    );
    expect(s.IRSA_SANDBOX_DEMO_WEST_ISSUER).not.toBe(motoIssuer);
  });
});
