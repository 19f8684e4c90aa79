/*
 * Discovery of an entity's bindings against the sandbox: service accounts and pods from the
 * real kube-apiserver (restricted token), roles from moto. Needs a running, seeded sandbox.
 */
import { ConfigReader } from '@backstage/config';
import {
  loadSettings,
  SANDBOX_ACCOUNT_ID as ACCOUNT,
  sandboxAppConfig,
  sandboxDemoEastCluster,
  Settings,
} from '../__testUtils__/sandboxSettings';
import { Blackhole, startBlackhole } from '../__testUtils__/blackhole';
import { component } from '../__testUtils__/estate';
import { realServices } from '../__testUtils__/services';
import { readIrsaConfig } from './config';
import { KubernetesClientFactory } from './KubernetesClientFactory';

type IrsaOverrides = { aws?: object; kubernetes?: object; timeouts?: object };

describe('BindingDiscovery (sandbox)', () => {
  let s: Settings;

  beforeAll(() => {
    s = loadSettings();
  });

  const demoEast = () => readIrsaConfig(config([])).clusters[0];

  /** The sandbox config with demo-east and `extraClusters`, plus overrides of `irsa`. */
  function config(extraClusters: object[], irsaExtra: IrsaOverrides = {}) {
    const base = sandboxAppConfig(s, [sandboxDemoEastCluster(s), ...extraClusters]);
    return new ConfigReader({
      ...base,
      irsa: { ...base.irsa, ...irsaExtra, aws: { ...base.irsa.aws, ...irsaExtra.aws } },
    });
  }

  function setup(extraClusters: object[] = [], irsaExtra: IrsaOverrides = {}) {
    return realServices(config(extraClusters, irsaExtra));
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

  it("gives admin-console's permissions table: its admin statement counted as all services, marked PERM_ADMIN", async () => {
    const { discovery } = setup();
    const { bindings } = await discovery.entityBindings(
      component('admin-console', { 'backstage.io/kubernetes-id': 'admin-console' }),
    );
    const rows = bindings[0].permissions?.statements ?? [];
    const admin = rows.filter(r => r.findingCodes.includes('PERM_ADMIN'));
    expect(admin.length).toBeGreaterThan(0);
    expect(admin[0].granted).toMatchObject({ allServices: true });
    expect(admin[0].granted.serviceCount).toBeGreaterThan(400);
    // counted, never the names: the answer stays small
    expect(admin[0].granted.actions).toBeUndefined();
    expect(JSON.stringify(rows).length).toBeLessThan(64 * 1024);
  });

  describe('bounded reads', () => {
    let blackhole: Blackhole;
    beforeAll(async () => {
      blackhole = await startBlackhole();
      // Loads @kubernetes/client-node (seconds under Jest's transform): timings measure waiting.
      await new KubernetesClientFactory().core(demoEast());
    });
    afterAll(() => blackhole.close());

    const paymentsApi = () => component('payments-api', { 'backstage.io/kubernetes-id': 'payments-api' });

    it('answers within the Kubernetes time limit when clusters accept and never answer', async () => {
      const silent = (name: string, url: string) => ({
        name, accountId: ACCOUNT, region: 'us-east-1', url, skipTLSVerify: true, serviceAccountToken: 'x',
      });
      const { discovery } = setup(
        [silent('silent-tls', blackhole.url('https')), silent('silent-http', blackhole.url('http'))],
        { timeouts: { kubernetesMs: 2000 } },
      );
      const started = Date.now();
      const result = await discovery.entityBindings(paymentsApi());
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(3000);
      expect(blackhole.connections).toBeGreaterThanOrEqual(2);
      // demo-east's binding is whole
      expect(result.bindings).toHaveLength(1);
      expect(result.bindings[0]).toMatchObject({ serviceAccount: { cluster: 'demo-east', name: 'payments-api' } });
      expect(result.bindings[0].error).toBeUndefined();
      expect(result.bindings[0].verdict?.allowed).toBe(true);
      const timedOut = (name: string) =>
        `Could not list service accounts in cluster ${name}: TimeoutError: Kubernetes API of cluster ${name} timed out: ` +
        'the reads of one request may take 2000 ms (irsa.timeouts.kubernetesMs)';
      expect(result.errors).toEqual(
        expect.arrayContaining([
          { cluster: 'silent-tls', message: timedOut('silent-tls') },
          { cluster: 'silent-http', message: timedOut('silent-http') },
        ]),
      );
      expect(result.errors).toHaveLength(2);
    });

    it('answers within the AWS time limit when AWS never answers, with the Kubernetes facts', async () => {
      const { discovery } = setup([], { aws: { endpoint: blackhole.url('http') }, timeouts: { awsMs: 1500 } });
      const started = Date.now();
      const result = await discovery.entityBindings(paymentsApi());
      expect(Date.now() - started).toBeLessThan(2500);
      expect(result.errors).toEqual([]);
      const [b] = result.bindings;
      expect(b).toMatchObject({
        serviceAccount: { cluster: 'demo-east', namespace: 'payments', name: 'payments-api' },
        serviceAccountExists: true,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/irsa-demo-payments-api`,
      });
      expect(b.verdict).toBeUndefined();
      expect(b.error).toMatch(
        /^Could not analyse demo-east\/payments\/payments-api: TimeoutError: AWS iam:GetRole timed out: the AWS calls of one request may take 1500 ms/,
      );
    });

    it('lists in pages of irsa.kubernetes.pageSize across the estate', async () => {
      const { discovery } = setup([], { kubernetes: { pageSize: 2 } });
      const ids = ['payments-api', 'orders-worker', 'kaniko', 'reports-job', 'admin-console'];
      const result = await discovery.entityBindings(
        component('many', { 'backstage.io/kubernetes-label-selector': `backstage.io/kubernetes-id in (${ids.join(',')})` }),
      );
      expect(result.errors).toEqual([]);
      expect(result.bindings.map(b => b.serviceAccount.name).sort()).toEqual([...ids].sort());
      // pods are read too: payments-api's pod shows, with its injected role
      const payments = result.bindings.find(b => b.serviceAccount.name === 'payments-api')!;
      expect(payments.pods).toEqual([{ name: expect.stringMatching(/^payments-api-/), injectedRoleArn: payments.roleArn }]);
    });

    it('stops at irsa.kubernetes.maxItems and says so', async () => {
      const { discovery } = setup([], { kubernetes: { pageSize: 2, maxItems: 3 } });
      const result = await discovery.entityBindings(
        component('many', {
          'backstage.io/kubernetes-label-selector':
            'backstage.io/kubernetes-id in (payments-api,orders-worker,kaniko,reports-job,admin-console)',
        }),
      );
      expect(result.errors).toEqual([
        {
          cluster: 'demo-east',
          message:
            'More than 3 service accounts match "backstage.io/kubernetes-id in (payments-api,orders-worker,kaniko,reports-job,admin-console)" ' +
            'in cluster demo-east; only the first were read (irsa.kubernetes.maxItems), so some service accounts may be missing',
        },
      ]);
      expect(result.bindings.length).toBeGreaterThanOrEqual(3);
      expect(result.bindings.length).toBeLessThan(5);
    });

    it('keeps AWS calls of one view within the per-request cap', async () => {
      const { discovery, aws } = setup([], { aws: { concurrency: { perRequest: 2, perProcess: 32 } } });
      const iam = await aws.iam(ACCOUNT);
      let now = 0;
      let max = 0;
      // counts IAM requests in flight over HTTP (once per attempt)
      iam.middlewareStack.add(
        next => async args => {
          max = Math.max(max, ++now);
          try {
            return await next(args);
          } finally {
            now -= 1;
          }
        },
        { step: 'deserialize', name: 'testInFlight' },
      );
      const result = await discovery.entityBindings(
        component('many', {
          'irsa.backstage.io/service-accounts': [
            'payments/payments-api', 'orders/orders-worker', 'ci/kaniko', 'reports/reports-job',
            'inventory/inventory-sync', 'ops/admin-console',
          ].map(ref => `demo-east/${ref}`).join(','),
        }),
      );
      expect(result.bindings).toHaveLength(6);
      expect(result.bindings.every(b => b.role && !b.error)).toBe(true);
      expect(aws.totalCalls()).toBeGreaterThan(20);
      expect(max).toBe(2);
    });
  });

  describe('annotation validation', () => {
    it('reports bad service-accounts entries and follows the good ones', async () => {
      const { discovery } = setup();
      const result = await discovery.entityBindings(
        component('mixed', { 'irsa.backstage.io/service-accounts': 'demo-east/Payments/payments-api, demo-east/ci/kaniko' }),
      );
      expect(result.bindings.map(b => b.serviceAccount.name)).toEqual(['kaniko']);
      expect(result.errors).toEqual([
        {
          cluster: '*',
          message: expect.stringMatching(
            /^Annotation irsa.backstage.io\/service-accounts entry "demo-east\/Payments\/payments-api": namespace "Payments" must/,
          ),
        },
      ]);
    });

    it('never lists all namespaces when the namespace annotation is invalid', async () => {
      const { discovery } = setup();
      const result = await discovery.entityBindings(
        component('payments-api', {
          'backstage.io/kubernetes-id': 'payments-api',
          'backstage.io/kubernetes-namespace': 'Payments',
        }),
      );
      // payments-api exists in namespace payments: a widened list would have found it
      expect(result.bindings).toEqual([]);
      expect(result.errors).toEqual([
        { cluster: '*', message: expect.stringMatching(/^Annotation backstage.io\/kubernetes-namespace value "Payments": /) },
      ]);
    });

    it.each([
      ['an empty', ''],
      ['a negative-only', 'backstage.io/kubernetes-id!=nothing'],
      ['an unparsable', 'backstage.io/kubernetes-id in (payments-api'],
    ])('does not run %s label selector', async (_, selector) => {
      const { discovery } = setup();
      const result = await discovery.entityBindings(
        component('payments-api', {
          'backstage.io/kubernetes-label-selector': selector,
          'backstage.io/kubernetes-id': 'payments-api',
        }),
      );
      expect(result.bindings).toEqual([]);
      expect(result.errors).toEqual([
        {
          cluster: '*',
          message: expect.stringContaining(
            `Annotation backstage.io/kubernetes-label-selector value ${JSON.stringify(selector)} is not usable: `,
          ),
        },
      ]);
    });

    it('refuses a kubernetes-id that is not a label value', async () => {
      const { discovery } = setup();
      const result = await discovery.entityBindings(component('odd', { 'backstage.io/kubernetes-id': 'payments api' }));
      expect(result.bindings).toEqual([]);
      expect(result.errors).toEqual([
        { cluster: '*', message: expect.stringMatching(/^Annotation backstage.io\/kubernetes-id value "payments api" is not a label value: /) },
      ]);
    });
  });
});
