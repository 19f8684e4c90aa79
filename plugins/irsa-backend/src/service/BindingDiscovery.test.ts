/*
 * Discovery of an entity's bindings against the sandbox: service accounts and pods from the
 * real kube-apiserver (restricted token), roles from moto. Needs a running, seeded sandbox.
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  loadSettings,
  SANDBOX_ACCOUNT_ID as ACCOUNT,
  sandboxAppConfig,
  sandboxDemoEastCluster,
  Settings,
} from '../sandbox/sandboxSettings';
import { AwsClientFactory } from './AwsClientFactory';
import { BindingDiscovery } from './BindingDiscovery';
import { ClusterService } from './ClusterService';
import { readIrsaConfig } from './config';
import { KubernetesClientFactory } from './KubernetesClientFactory';
import { RoleReader } from './RoleReader';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team-payments', lifecycle: 'production' },
  };
}

describe('BindingDiscovery (sandbox)', () => {
  let s: Settings;

  beforeAll(() => {
    s = loadSettings();
  });

  const demoEast = () => readIrsaConfig(config([])).clusters[0];

  function config(extraClusters: object[]) {
    return new ConfigReader(sandboxAppConfig(s, [sandboxDemoEastCluster(s), ...extraClusters]));
  }

  function setup(extraClusters: object[] = []) {
    const root = config(extraClusters);
    const irsa = readIrsaConfig(root);
    const aws = AwsClientFactory.fromConfig(root, irsa);
    const cache = CacheManager.fromConfig(mockServices.rootConfig()).forPlugin('irsa');
    const logger = mockServices.logger.mock();
    const clusters = new ClusterService(irsa, aws, cache, logger);
    const discovery = new BindingDiscovery(clusters, new KubernetesClientFactory(), new RoleReader(aws), cache, logger);
    return { discovery, aws };
  }

  it('finds payments-api by its kubernetes-id and says its pods can assume the role', async () => {
    const { discovery } = setup();
    const result = await discovery.entityBindings(
      component('payments-api', { 'backstage.io/kubernetes-id': 'payments-api' }),
    );
    expect(result.errors).toEqual([]);
    expect(result.bindings).toHaveLength(1);
    const [b] = result.bindings;
    expect(b).toMatchObject({
      serviceAccount: { cluster: 'demo-east', namespace: 'payments', name: 'payments-api' },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api`,
      serviceAccountExists: true,
      entityRef: 'component:default/payments-api',
      findings: [],
    });
    expect(b.verdict?.allowed).toBe(true);
    expect(b.verdict?.statements?.[0].conditions.map(c => c.outcome)).toEqual(['matched', 'matched']);
    expect(b.role?.attachedPolicies.map(p => p.arn)).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
    expect(b.pods).toEqual([
      { name: expect.stringMatching(/^payments-api-/), injectedRoleArn: b.roleArn },
    ]);
  });

  it('explains why orders-worker is refused, most severe finding first', async () => {
    const { discovery } = setup();
    const { bindings } = await discovery.entityBindings(
      component('orders-worker', { 'backstage.io/kubernetes-id': 'orders-worker' }),
    );
    const [b] = bindings;
    expect(b.verdict?.allowed).toBe(false);
    expect(b.findings.map(f => f.code)).toEqual(expect.arrayContaining(['TRUST_SUB_MISMATCH', 'POD_NOT_INJECTED']));
    expect(b.findings[0].severity).toBe('high');
    const sub = b.verdict!.statements![0].conditions.find(c => c.key.endsWith(':sub'))!;
    expect(sub).toMatchObject({
      outcome: 'not-matched',
      expected: ['system:serviceaccount:order:orders-worker'],
      actual: ['system:serviceaccount:orders:orders-worker'],
    });
  });

  it('reports the missing role of legacy-batch without a verdict', async () => {
    const { discovery } = setup();
    const { bindings } = await discovery.entityBindings(
      component('legacy-batch', { 'backstage.io/kubernetes-id': 'legacy-batch' }),
    );
    expect(bindings).toHaveLength(1);
    expect(bindings[0].verdict).toBeUndefined();
    expect(bindings[0].findings.map(f => f.code)).toEqual(['SA_ROLE_NOT_FOUND']);
  });

  it('follows the explicit annotation, including service accounts that do not exist', async () => {
    const { discovery } = setup();
    const { bindings } = await discovery.entityBindings(
      component('mixed', {
        'irsa.backstage.io/service-accounts': 'demo-east/ci/kaniko, */payments/no-such-sa, other-cluster/x/y, malformed',
      }),
    );
    expect(bindings.map(b => `${b.serviceAccount.namespace}/${b.serviceAccount.name}:${b.serviceAccountExists}`)).toEqual([
      'ci/kaniko:true',
      'payments/no-such-sa:false',
    ]);
    expect(bindings[0].findings.map(f => f.code)).toContain('TRUST_SUB_WILDCARD_CLUSTER');
  });

  it('finds nothing for an entity without linking annotations', async () => {
    const { discovery } = setup();
    await expect(discovery.entityBindings(component('unlinked', {}))).resolves.toMatchObject({ bindings: [], errors: [] });
  });

  it('reports an unreachable cluster and still answers for the others', async () => {
    const { discovery } = setup([
      { name: 'unreachable', accountId: ACCOUNT, region: 'us-east-1', url: 'https://127.0.0.1:1', serviceAccountToken: 'x' },
    ]);
    const result = await discovery.entityBindings(component('payments-api', { 'backstage.io/kubernetes-id': 'payments-api' }));
    expect(result.bindings).toHaveLength(1);
    expect(result.errors).toEqual([
      { cluster: 'unreachable', message: expect.stringMatching(/^Could not list service accounts in cluster unreachable: /) },
    ]);
  });

  it('verifies a service account against the role its annotation names', async () => {
    const { discovery } = setup();
    const b = await discovery.verify({ cluster: demoEast(), namespace: 'reports', serviceAccount: 'reports-job' });
    expect(b).toMatchObject({ source: 'annotation', serviceAccountExists: true, roleArn: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-reports-job` });
    expect(b.verdict?.allowed).toBe(true);
    expect(b.findings.map(f => f.code)).toContain('TRUST_AUD_UNRESTRICTED');
    expect(b.entityRef).toBeUndefined();
  });

  it("verifies another role before annotating: payments-api's role refuses orders-worker", async () => {
    const { discovery } = setup();
    const b = await discovery.verify({
      cluster: demoEast(),
      namespace: 'orders',
      serviceAccount: 'orders-worker',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api`,
    });
    expect(b).toMatchObject({ source: 'request', roleArn: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api` });
    expect(b.verdict?.allowed).toBe(false);
    expect(b.findings.map(f => f.code)).toContain('TRUST_SUB_MISMATCH');
  });

  it('verifies a role for a service account that does not exist yet', async () => {
    const { discovery } = setup();
    const b = await discovery.verify({
      cluster: demoEast(),
      namespace: 'payments',
      serviceAccount: 'payments-api-next',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-kaniko`,
    });
    expect(b.serviceAccountExists).toBe(false);
    // kaniko's trust admits every service account of the cluster: allowed, and critical
    expect(b.verdict?.allowed).toBe(true);
    expect(b.findings.map(f => f.code)).toContain('TRUST_SUB_WILDCARD_CLUSTER');
  });

  it('serves a second page view of the same entity without new IAM calls', async () => {
    const { discovery, aws } = setup();
    const entity = component('admin-console', { 'backstage.io/kubernetes-id': 'admin-console' });
    const first = await discovery.entityBindings(entity);
    const callsAfterFirst = aws.callCounts();
    expect(callsAfterFirst['iam:GetRole']).toBe(1);
    const second = await discovery.entityBindings(entity);
    expect(aws.callCounts()).toEqual(callsAfterFirst);
    expect(second).toEqual(first);
    expect(first.bindings[0].findings.map(f => f.code)).toEqual(expect.arrayContaining(['PERM_ADMIN', 'POD_ROLE_STALE']));
  });
});
