/*
 * BindingDiscovery over in-memory IAM and Kubernetes readers: the linking rules, annotation
 * validation, partial failures, caching and coalescing. No server is involved; the same
 * paths against the sandbox's real APIs are in BindingDiscovery.sandbox.test.ts.
 */
import { EntityBinding, RoleDetails } from '@irsa-backstage/plugin-irsa-common';
import {
  clustersConfig,
  component,
  EAST_CLUSTER,
  EAST_ISSUER,
  eksEstate,
  irsaRole,
  pod,
  roleArn,
  S3_READ_ONLY,
  serviceAccount,
  WEST_CLUSTER,
} from '../__testUtils__/estate';
import {
  ClusterObjects,
  InMemoryIamReader,
  InMemoryKubernetesReader,
} from '../__testUtils__/inMemoryReaders';
import { discoveryOver } from '../__testUtils__/services';
import { KubernetesReader } from './KubernetesReader';

const ID = 'backstage.io/kubernetes-id';
const east = (namespace: string, name: string) => ({ issuer: EAST_ISSUER, namespace, serviceAccount: name });

const ROLES: RoleDetails[] = [
  irsaRole('payments-api', east('payments', 'payments-api')),
  irsaRole('payments-worker', east('payments', 'payments-worker')),
  irsaRole('kaniko', east('ci', 'kaniko')),
  irsaRole('admin-console', east('ops', 'admin-console'), {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  }),
];

const CLUSTERS: Record<string, ClusterObjects> = {
  'demo-east': {
    serviceAccounts: [
      serviceAccount('payments', 'payments-api', { labels: { [ID]: 'payments-api' }, role: 'payments-api' }),
      // not labelled: found through its labelled pod
      serviceAccount('payments', 'payments-worker', { role: 'payments-worker' }),
      serviceAccount('staging', 'payments-api', { labels: { [ID]: 'payments-api' } }),
      serviceAccount('ci', 'kaniko', { role: 'kaniko' }),
      serviceAccount('batch', 'default'),
      serviceAccount('ops', 'admin-console', { labels: { app: 'admin-console', tier: 'ops' }, role: 'admin-console' }),
      serviceAccount('legacy', 'legacy-batch', { labels: { [ID]: 'legacy-batch' }, role: 'legacy-batch' }),
    ],
    pods: [
      pod('payments', 'payments-api-7d9f', {
        serviceAccountName: 'payments-api',
        labels: { [ID]: 'payments-api' },
        injectedRole: 'payments-api',
      }),
      pod('payments', 'payments-worker-5c8b', {
        serviceAccountName: 'payments-worker',
        labels: { [ID]: 'payments-api' },
        injectedRole: 'payments-worker',
      }),
      // names no service account: runs as `default`
      pod('batch', 'nightly-29f1', { labels: { [ID]: 'nightly' } }),
    ],
  },
  'demo-west': {
    serviceAccounts: [
      // the same role, whose trust names demo-east's issuer only
      serviceAccount('payments', 'payments-api', { labels: { [ID]: 'payments-api' }, role: 'payments-api' }),
    ],
  },
};

function setup(
  options: { clusters?: object[]; roles?: RoleDetails[]; kubernetes?: Record<string, ClusterObjects>; maxItems?: number } = {},
) {
  const iam = new InMemoryIamReader(eksEstate(options.roles ?? ROLES));
  const kube = new InMemoryKubernetesReader(options.kubernetes ?? CLUSTERS, { maxItems: options.maxItems });
  const { discovery, irsa } = discoveryOver(clustersConfig(options.clusters), { iam, kube });
  const cluster = (name: string) => irsa.clusters.find(c => c.name === name)!;
  return { discovery, iam, kube, cluster };
}

const keyOf = (b: EntityBinding) => `${b.serviceAccount.cluster}/${b.serviceAccount.namespace}/${b.serviceAccount.name}`;
const codes = (b: EntityBinding) => b.findings.map(f => f.code);
const byId = (id: string) => component(id, { [ID]: id });

describe('BindingDiscovery', () => {
  describe('linking an entity to its service accounts', () => {
    it('follows irsa.backstage.io/service-accounts to one cluster, and to every cluster for "*"', async () => {
      const { discovery, kube } = setup();
      const result = await discovery.entityBindings(
        component('mixed', {
          'irsa.backstage.io/service-accounts': 'demo-east/payments/payments-api, */ci/kaniko, other-cluster/x/y,',
        }),
      );
      expect(result.errors).toEqual([]);
      // a cluster that is not configured names nothing to read
      expect(result.bindings.map(b => `${keyOf(b)}:${b.serviceAccountExists}`)).toEqual([
        'demo-east/ci/kaniko:true',
        'demo-east/payments/payments-api:true',
        'demo-west/ci/kaniko:false',
      ]);
      expect(kube.calls.filter(c => c.startsWith('list') && !c.startsWith('listPodsOf'))).toEqual([]);
    });

    it("gives a service account's binding its role, verdict, permissions and pods", async () => {
      const { discovery } = setup();
      const { bindings } = await discovery.entityBindings(
        component('payments', { 'irsa.backstage.io/service-accounts': 'demo-east/payments/payments-api' }),
      );
      expect(bindings).toEqual([
        expect.objectContaining({
          serviceAccount: { cluster: 'demo-east', namespace: 'payments', name: 'payments-api' },
          source: 'annotation',
          serviceAccountExists: true,
          entityRef: 'component:default/payments',
          roleArn: roleArn('payments-api'),
          role: ROLES[0],
          pods: [{ name: 'payments-api-7d9f', injectedRoleArn: roleArn('payments-api') }],
          findings: [],
        }),
      ]);
      const [b] = bindings;
      expect(b.error).toBeUndefined();
      expect(b.verdict?.allowed).toBe(true);
      expect(b.permissions?.findings).toEqual([]);
      expect(b.role?.attachedPolicies.map(p => p.arn)).toEqual([S3_READ_ONLY]);
    });

    it("gives the permissions table's rows: each statement counted, marked with its findings, the boundary's too", async () => {
      const boundaryArn = `arn:aws:iam::${ROLES[0].arn.split(':')[4]}:policy/irsa-boundary`;
      const admin = { ...ROLES[3], permissionsBoundaryArn: boundaryArn };
      const boundary = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
      const iam = new InMemoryIamReader({
        ...eksEstate([ROLES[0], admin]),
        managedPolicies: [
          { arn: boundaryArn, name: 'irsa-boundary', defaultVersionId: 'v1', document: encodeURIComponent(JSON.stringify(boundary)) },
        ],
      });
      const kube = new InMemoryKubernetesReader(CLUSTERS);
      const { discovery } = discoveryOver(clustersConfig(), { iam, kube });
      const { bindings } = await discovery.entityBindings(
        component('mixed', { 'irsa.backstage.io/service-accounts': 'demo-east/ops/admin-console,demo-east/payments/payments-api' }),
      );
      const [adminConsole, payments] = bindings;
      const rows = adminConsole.permissions?.statements ?? [];
      expect(rows.map(r => [r.policy.kind, r.policy.name, r.statementIndex, r.effect])).toEqual([
        ['inline', 'inline', 0, 'Allow'],
        ['boundary', 'irsa-boundary', 0, 'Allow'],
      ]);
      expect(rows[0].granted.allServices).toBe(true);
      expect(rows[0].granted.actions).toBeUndefined();
      expect(rows[0].findingCodes).toEqual(['PERM_ADMIN']);
      expect(rows[1].policy.arn).toBe(boundaryArn);
      expect(rows[1].granted.services.map(s => s.service)).toEqual(['s3']);
      const managed = payments.permissions?.statements ?? [];
      expect(managed).toEqual([
        expect.objectContaining({
          policy: { kind: 'managed', name: 'AmazonS3ReadOnlyAccess', arn: S3_READ_ONLY },
          patterns: [
            { pattern: 's3:Get*', actionCount: expect.any(Number) },
            { pattern: 's3:List*', actionCount: expect.any(Number) },
          ],
          resources: ['*'],
          conditions: [],
          findingCodes: [],
        }),
      ]);
      expect(managed[0].granted.actionsByAccessLevel.Write).toBeUndefined();
      expect(managed[0].granted.actionCount).toBe(managed[0].patterns.reduce((sum, p) => sum + p.actionCount, 0));
    });

    it('finds the service accounts labelled with backstage.io/kubernetes-id in every namespace and cluster', async () => {
      const { discovery, kube } = setup();
      const { bindings, errors } = await discovery.entityBindings(byId('payments-api'));
      expect(errors).toEqual([]);
      expect(bindings.map(keyOf)).toEqual([
        'demo-east/payments/payments-api',
        // its labelled pod runs as this one
        'demo-east/payments/payments-worker',
        'demo-east/staging/payments-api',
        'demo-west/payments/payments-api',
      ]);
      expect(kube.calls).toEqual(
        expect.arrayContaining([
          'listServiceAccounts demo-east/* backstage.io/kubernetes-id=payments-api',
          'listPods demo-east/* backstage.io/kubernetes-id=payments-api',
          'listServiceAccounts demo-west/* backstage.io/kubernetes-id=payments-api',
          // only the one found by its pod is read by name
          'readServiceAccount demo-east/payments/payments-worker',
        ]),
      );
      expect(kube.count('readServiceAccount')).toBe(1);
      const worker = bindings[1];
      expect(worker).toMatchObject({ serviceAccountExists: true, roleArn: roleArn('payments-worker') });
      expect(worker.verdict?.allowed).toBe(true);
      // a labelled service account without a role annotation has a binding without a role
      expect(bindings[2]).toMatchObject({ serviceAccountExists: true, findings: [] });
      expect(bindings[2].roleArn).toBeUndefined();
      expect(bindings[2].verdict).toBeUndefined();
    });

    it('takes "default" as the service account of a labelled pod that names none', async () => {
      const { discovery } = setup();
      const { bindings } = await discovery.entityBindings(byId('nightly'));
      expect(bindings.map(b => `${keyOf(b)}:${b.serviceAccountExists}`)).toEqual(['demo-east/batch/default:true']);
    });

    it('uses backstage.io/kubernetes-label-selector rather than the kubernetes-id', async () => {
      const { discovery, kube } = setup();
      const { bindings, errors } = await discovery.entityBindings(
        component('admin-console', {
          'backstage.io/kubernetes-label-selector': 'app=admin-console,tier in (ops, platform)',
          [ID]: 'payments-api',
        }),
      );
      expect(errors).toEqual([]);
      expect(bindings.map(keyOf)).toEqual(['demo-east/ops/admin-console']);
      expect(codes(bindings[0])).toContain('PERM_ADMIN');
      expect(kube.calls.join('\n')).not.toContain('kubernetes-id');
    });

    it('looks only in backstage.io/kubernetes-namespace when the entity names one', async () => {
      const { discovery, kube } = setup();
      const { bindings } = await discovery.entityBindings(
        component('payments-api', { [ID]: 'payments-api', 'backstage.io/kubernetes-namespace': 'payments' }),
      );
      expect(bindings.map(keyOf)).toEqual([
        'demo-east/payments/payments-api',
        'demo-east/payments/payments-worker',
        'demo-west/payments/payments-api',
      ]);
      expect(kube.calls.filter(c => c.startsWith('listServiceAccounts') || c.startsWith('listPods '))).toEqual([
        'listServiceAccounts demo-east/payments backstage.io/kubernetes-id=payments-api',
        'listPods demo-east/payments backstage.io/kubernetes-id=payments-api',
        'listServiceAccounts demo-west/payments backstage.io/kubernetes-id=payments-api',
        'listPods demo-west/payments backstage.io/kubernetes-id=payments-api',
      ]);
    });

    it('gives a service account found several ways one binding', async () => {
      const { discovery } = setup();
      const { bindings } = await discovery.entityBindings(
        component('payments-api', {
          'irsa.backstage.io/service-accounts': 'demo-east/payments/payments-api,*/payments/payments-worker',
          [ID]: 'payments-api',
          'backstage.io/kubernetes-namespace': 'payments',
        }),
      );
      expect(bindings.map(keyOf)).toEqual([
        'demo-east/payments/payments-api',
        'demo-east/payments/payments-worker',
        'demo-west/payments/payments-api',
        'demo-west/payments/payments-worker',
      ]);
      expect(bindings.map(b => b.serviceAccountExists)).toEqual([true, true, true, false]);
    });

    it('reads nothing for an entity without linking annotations', async () => {
      const { discovery, kube, iam } = setup();
      await expect(discovery.entityBindings(component('unlinked', {}))).resolves.toEqual({
        entityRef: 'component:default/unlinked',
        bindings: [],
        errors: [],
      });
      expect([...kube.calls, ...iam.calls]).toEqual([]);
    });

    it("checks trust against the issuer of the service account's own cluster", async () => {
      const { discovery, iam } = setup();
      const { bindings } = await discovery.entityBindings(
        component('payments-api', { 'irsa.backstage.io/service-accounts': '*/payments/payments-api' }),
      );
      const [eastBinding, westBinding] = bindings;
      expect(eastBinding.verdict?.allowed).toBe(true);
      expect(westBinding.verdict?.allowed).toBe(false);
      expect(codes(westBinding)).toContain('TRUST_ISSUER_MISMATCH');
      expect(iam.calls.filter(c => c.startsWith('readClusterIssuer')).sort()).toEqual([
        'readClusterIssuer 123456789012/us-east-1/demo-east',
        'readClusterIssuer 123456789012/us-west-2/demo-west',
      ]);
    });

    it('uses a configured issuer without asking EKS', async () => {
      const { discovery, iam } = setup({ clusters: [{ ...EAST_CLUSTER, oidcIssuer: EAST_ISSUER }] });
      const { bindings } = await discovery.entityBindings(byId('payments-api'));
      expect(bindings.every(b => b.verdict?.allowed || !b.roleArn)).toBe(true);
      expect(iam.count('readClusterIssuer')).toBe(0);
    });

    it('says when the annotated role does not exist, without a verdict', async () => {
      const { discovery } = setup();
      const { bindings } = await discovery.entityBindings(byId('legacy-batch'));
      expect(bindings).toHaveLength(1);
      expect(bindings[0]).toMatchObject({ roleArn: roleArn('legacy-batch'), serviceAccountExists: true });
      expect(bindings[0].role).toBeUndefined();
      expect(bindings[0].verdict).toBeUndefined();
      expect(bindings[0].error).toBeUndefined();
      expect(codes(bindings[0])).toEqual(['SA_ROLE_NOT_FOUND']);
    });
  });

  describe('annotation validation', () => {
    it('reports a bad service-accounts entry for every cluster and follows the good ones', async () => {
      const { discovery } = setup();
      const result = await discovery.entityBindings(
        component('mixed', {
          'irsa.backstage.io/service-accounts': 'demo-east/Payments/payments-api, demo-east/ci/kaniko, malformed',
        }),
      );
      expect(result.bindings.map(keyOf)).toEqual(['demo-east/ci/kaniko']);
      expect(result.errors).toEqual([
        {
          cluster: '*',
          message: expect.stringMatching(
            /^Annotation irsa.backstage.io\/service-accounts entry "demo-east\/Payments\/payments-api": namespace "Payments" must/,
          ),
        },
        {
          cluster: '*',
          message:
            'Annotation irsa.backstage.io/service-accounts entry "malformed": must be cluster/namespace/name (cluster may be "*")',
        },
      ]);
    });

    it('never lists all namespaces when the namespace annotation is invalid', async () => {
      const { discovery, kube } = setup();
      const result = await discovery.entityBindings(
        component('payments-api', { [ID]: 'payments-api', 'backstage.io/kubernetes-namespace': 'Payments' }),
      );
      expect(result.bindings).toEqual([]);
      expect(result.errors).toEqual([
        { cluster: '*', message: expect.stringMatching(/^Annotation backstage.io\/kubernetes-namespace value "Payments": /) },
      ]);
      expect(kube.calls).toEqual([]);
    });

    it.each([
      ['an empty', ''],
      ['a negative-only', 'backstage.io/kubernetes-id!=nothing'],
      ['an unparsable', 'backstage.io/kubernetes-id in (payments-api'],
    ])('does not run %s label selector, nor fall back to the kubernetes-id', async (_, selector) => {
      const { discovery, kube } = setup();
      const result = await discovery.entityBindings(
        component('payments-api', { 'backstage.io/kubernetes-label-selector': selector, [ID]: 'payments-api' }),
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
      expect(kube.calls).toEqual([]);
    });

    it('refuses a kubernetes-id that is not a label value', async () => {
      const { discovery, kube } = setup();
      const result = await discovery.entityBindings(component('odd', { [ID]: 'payments api' }));
      expect(result.bindings).toEqual([]);
      expect(result.errors).toEqual([
        { cluster: '*', message: expect.stringMatching(/^Annotation backstage.io\/kubernetes-id value "payments api" is not a label value: /) },
      ]);
      expect(kube.calls).toEqual([]);
    });
  });

  describe('partial failures', () => {
    it("reports a cluster whose lists fail and keeps the other cluster's bindings whole", async () => {
      const { discovery, kube } = setup();
      kube.failWhen(/ demo-west\//, new Error('Kubernetes API of cluster demo-west timed out'));
      const result = await discovery.entityBindings(byId('payments-api'));
      expect(result.errors).toEqual([
        {
          cluster: 'demo-west',
          message: 'Could not list service accounts in cluster demo-west: Error: Kubernetes API of cluster demo-west timed out',
        },
      ]);
      expect(result.bindings.map(keyOf)).toEqual([
        'demo-east/payments/payments-api',
        'demo-east/payments/payments-worker',
        'demo-east/staging/payments-api',
      ]);
      expect(result.bindings.every(b => !b.error)).toBe(true);
    });

    it('reports a configured cluster it cannot reach, and one whose named service account cannot be read', async () => {
      const { discovery, kube } = setup({
        clusters: [EAST_CLUSTER, WEST_CLUSTER, { ...EAST_CLUSTER, name: 'ghost', url: 'https://ghost.invalid' }],
      });
      kube.failWhen(/^readServiceAccount demo-west\//, new Error('Forbidden'));
      const result = await discovery.entityBindings(
        component('kaniko', { 'irsa.backstage.io/service-accounts': '*/ci/kaniko' }),
      );
      expect(result.bindings.map(keyOf)).toEqual(['demo-east/ci/kaniko']);
      expect(result.errors).toEqual(
        expect.arrayContaining([
          { cluster: 'demo-west', message: 'Could not list service accounts in cluster demo-west: Error: Forbidden' },
          {
            cluster: 'ghost',
            message: 'Could not list service accounts in cluster ghost: Error: connect ECONNREFUSED https://ghost.invalid',
          },
        ]),
      );
      expect(result.errors).toHaveLength(2);
    });

    it("keeps a binding's Kubernetes facts and says why it could not be analysed when its role cannot be read", async () => {
      const { discovery, iam } = setup();
      const denied = Object.assign(new Error('not authorized to perform iam:GetRole'), { name: 'AccessDenied' });
      iam.failWhen(/^readRole .*:role\/payments-worker$/, denied);
      const { bindings, errors } = await discovery.entityBindings(
        component('payments', { 'irsa.backstage.io/service-accounts': 'demo-east/payments/payments-api,demo-east/payments/payments-worker' }),
      );
      expect(errors).toEqual([]);
      const [api, worker] = bindings;
      expect(api.verdict?.allowed).toBe(true);
      expect(api.error).toBeUndefined();
      expect(worker).toMatchObject({
        serviceAccountExists: true,
        roleArn: roleArn('payments-worker'),
        error:
          'Could not analyse demo-east/payments/payments-worker: AccessDenied: not authorized to perform iam:GetRole',
      });
      expect(worker.verdict).toBeUndefined();
      expect(worker.role).toBeUndefined();
    });

    it("says why a binding could not be analysed when its pods or its cluster's issuer cannot be read", async () => {
      const { discovery, iam, kube } = setup();
      kube.failWhen(/^listPodsOf demo-east\/ci\/kaniko$/, new Error('pods are forbidden'));
      iam.failWhen(/^readClusterIssuer .*\/demo-west$/, new Error('EKS is down'));
      const { bindings, errors } = await discovery.entityBindings(
        component('mixed', { 'irsa.backstage.io/service-accounts': 'demo-east/ci/kaniko,*/payments/payments-api' }),
      );
      expect(errors).toEqual([]);
      expect(bindings.map(b => [keyOf(b), b.error])).toEqual([
        ['demo-east/ci/kaniko', 'Could not analyse demo-east/ci/kaniko: Error: pods are forbidden'],
        ['demo-east/payments/payments-api', undefined],
        ['demo-west/payments/payments-api', 'Could not analyse demo-west/payments/payments-api: Error: EKS is down'],
      ]);
    });

    it("still gives the verdict when the account's OIDC providers cannot be listed", async () => {
      const { discovery, iam } = setup();
      iam.failWhen(/^listOidcProviders /, new Error('Rate exceeded'));
      const { bindings } = await discovery.entityBindings(
        component('payments', { 'irsa.backstage.io/service-accounts': 'demo-east/payments/payments-api' }),
      );
      expect(bindings[0].error).toBeUndefined();
      expect(bindings[0].verdict?.allowed).toBe(true);
    });

    it('says when a label lookup stopped at the cap, and how far it read', async () => {
      const { discovery } = setup({ maxItems: 2 });
      const selector = `${ID} in (payments-api,legacy-batch)`;
      const result = await discovery.entityBindings(
        component('many', { 'backstage.io/kubernetes-label-selector': selector }),
      );
      expect(result.errors).toEqual([
        {
          cluster: 'demo-east',
          message:
            `More than 2 service accounts match "${selector}" in cluster demo-east; only the first were read ` +
            '(irsa.kubernetes.maxItems), so some service accounts may be missing',
        },
      ]);
    });

    it("says when a service account's pods were read only up to the cap", async () => {
      const many = Array.from({ length: 3 }, (_, i) =>
        pod('ci', `kaniko-${i}`, { serviceAccountName: 'kaniko', injectedRole: 'kaniko' }),
      );
      const { discovery } = setup({
        maxItems: 2,
        kubernetes: { 'demo-east': { serviceAccounts: [serviceAccount('ci', 'kaniko', { role: 'kaniko' })], pods: many } },
        clusters: [EAST_CLUSTER],
      });
      const { bindings } = await discovery.entityBindings(
        component('kaniko', { 'irsa.backstage.io/service-accounts': 'demo-east/ci/kaniko' }),
      );
      expect(bindings[0].pods).toHaveLength(2);
      expect(bindings[0].error).toBe(
        'Only the first 2 pods running as ci/kaniko were read (irsa.kubernetes.maxItems); pod findings may be incomplete',
      );
      expect(bindings[0].verdict?.allowed).toBe(true);
    });
  });

  describe('caching and coalescing', () => {
    const payments = () => byId('payments-api');

    it('serves a second view of an entity without reading AWS again; Kubernetes is read live', async () => {
      const { discovery, iam, kube } = setup();
      const first = await discovery.entityBindings(payments());
      const iamCalls = [...iam.calls];
      const kubeCalls = [...kube.calls];
      expect(iam.count('readRole')).toBe(2);
      const second = await discovery.entityBindings(payments());
      expect(second).toEqual(first);
      expect(iam.calls).toEqual(iamCalls);
      expect(kube.calls).toEqual([...kubeCalls, ...kubeCalls]);
    });

    it('reads a role once for every entity and service account that names it', async () => {
      const { discovery, iam, cluster } = setup();
      await discovery.entityBindings(payments());
      await discovery.entityBindings(
        component('payments-again', { 'irsa.backstage.io/service-accounts': '*/payments/payments-api' }),
      );
      await discovery.verify({ cluster: cluster('demo-east'), namespace: 'payments', serviceAccount: 'payments-api' });
      expect(iam.calls.filter(c => c.startsWith('readRole')).sort()).toEqual([
        `readRole ${roleArn('payments-api')}`,
        `readRole ${roleArn('payments-worker')}`,
      ]);
      expect(iam.count('listOidcProviders')).toBe(1);
    });

    it('remembers that a role does not exist', async () => {
      const { discovery, iam } = setup();
      await discovery.entityBindings(byId('legacy-batch'));
      const second = await discovery.entityBindings(byId('legacy-batch'));
      expect(codes(second.bindings[0])).toEqual(['SA_ROLE_NOT_FOUND']);
      expect(iam.count('readRole')).toBe(1);
    });

    it('does not remember a failed read: the next view tries again', async () => {
      const { discovery, iam } = setup();
      iam.failWhen(/^readRole /, new Error('Rate exceeded'));
      const failed = await discovery.entityBindings(payments());
      expect(failed.bindings[0].error).toMatch(/Rate exceeded/);
      iam.recover();
      const second = await discovery.entityBindings(payments());
      expect(second.bindings[0].error).toBeUndefined();
      expect(second.bindings[0].verdict?.allowed).toBe(true);
    });

    it('shares one read of each role, issuer and provider list among concurrent views', async () => {
      const { discovery, iam } = setup();
      const [first, ...others] = await iam.overlapping(3, () => discovery.entityBindings(payments()));
      expect(others).toEqual([first, first]);
      expect(iam.count('readRole')).toBe(2);
      expect(iam.count('readClusterIssuer')).toBe(2);
      expect(iam.count('listOidcProviders')).toBe(1);
    });
  });

  describe('verify', () => {
    it('says when the service account was read from a watch that is down, as the entity view does', async () => {
      const { discovery, cluster, kube } = setup();
      const syncedAt = new Date('2026-11-30T12:00:00Z');
      (kube as KubernetesReader).staleness = c =>
        c.name === 'demo-east' ? { syncedAt, staleSinceSeconds: 42, reason: 'Error: no event for 61 s' } : undefined;
      const b = await discovery.verify({ cluster: cluster('demo-east'), namespace: 'payments', serviceAccount: 'payments-api' });
      expect(b.verdict?.allowed).toBe(true);
      expect(b.staleness).toEqual({
        message: expect.stringContaining('watch has been down for 42 s (Error: no event for 61 s)'),
        staleSinceSeconds: 42,
        syncedAt: '2026-11-30T12:00:00.000Z',
      });
      const view = await discovery.entityBindings(byId('payments-api'));
      expect(view.errors).toContainEqual({ cluster: 'demo-east', message: b.staleness!.message });
      const west = await discovery.verify({ cluster: cluster('demo-west'), namespace: 'payments', serviceAccount: 'payments-api' });
      expect(west.staleness).toBeUndefined();
    });

    it('verifies a service account against the role its annotation names', async () => {
      const { discovery, cluster } = setup();
      const b = await discovery.verify({ cluster: cluster('demo-east'), namespace: 'payments', serviceAccount: 'payments-api' });
      expect(b).toMatchObject({ source: 'annotation', serviceAccountExists: true, roleArn: roleArn('payments-api') });
      expect(b.verdict?.allowed).toBe(true);
      expect(b.entityRef).toBeUndefined();
    });

    it('verifies another role as if the annotation named it, without reading the annotated one', async () => {
      const { discovery, cluster, iam } = setup();
      const b = await discovery.verify({
        cluster: cluster('demo-east'),
        namespace: 'payments',
        serviceAccount: 'payments-worker',
        roleArn: roleArn('payments-api'),
      });
      expect(b).toMatchObject({ source: 'request', roleArn: roleArn('payments-api') });
      expect(b.verdict?.allowed).toBe(false);
      expect(codes(b)).toContain('TRUST_SUB_MISMATCH');
      expect(iam.calls.filter(c => c.startsWith('readRole'))).toEqual([`readRole ${roleArn('payments-api')}`]);
    });

    it('verifies a role for a service account that does not exist yet', async () => {
      const { discovery, cluster } = setup();
      const b = await discovery.verify({
        cluster: cluster('demo-east'),
        namespace: 'ci',
        serviceAccount: 'kaniko',
        roleArn: roleArn('kaniko'),
      });
      expect(b.verdict?.allowed).toBe(true);
      const missing = await discovery.verify({
        cluster: cluster('demo-east'),
        namespace: 'ci',
        serviceAccount: 'kaniko-next',
        roleArn: roleArn('kaniko'),
      });
      expect(missing.serviceAccountExists).toBe(false);
      expect(missing.verdict?.allowed).toBe(false);
      expect(codes(missing)).toContain('TRUST_SUB_MISMATCH');
    });

    it('answers for a service account that does not exist without reading IAM', async () => {
      const { discovery, cluster, iam } = setup();
      const b = await discovery.verify({ cluster: cluster('demo-west'), namespace: 'ci', serviceAccount: 'kaniko' });
      expect(b).toEqual({
        serviceAccount: { cluster: 'demo-west', namespace: 'ci', name: 'kaniko' },
        source: 'annotation',
        serviceAccountExists: false,
        pods: [],
        findings: [],
      });
      expect(iam.calls).toEqual([]);
    });
  });
});
