/*
 * Benchmark of the estate read side (issue: bench/discovery), side by side in one run:
 *   1. the inventory (GetAccountAuthorizationDetails in bulk + cluster-wide lists) against a
 *      naive per-role read (ListRoles, then GetRole, ListAttachedRolePolicies, ListRolePolicies,
 *      GetRolePolicy and GetPolicy + GetPolicyVersion for every role — AwsIamReader.readRole
 *      per role, bench-only): wall time and AWS calls;
 *   2. the entity view at 20 concurrent clients on a real backend (a child process): p50 and
 *      p95 cold and warm, and AWS and Kubernetes calls per view.
 * Seeds moto with ROLES roles (half used by service accounts of one namespace, a quarter
 * trusting the cluster without a service account, a quarter tagged for an entity) and the
 * sandbox's kube-apiserver with SERVICE_ACCOUNTS service accounts; removes them afterwards.
 *
 *   source scripts/lib/env.sh && yarn bench:discovery [--roles=2000] [--service-accounts=1000]
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  paginateListRoles,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { buildIrsaTrustPolicy } from '@irsa-backstage/plugin-irsa-common';
import {
  countingAwsProxy,
  CountingAwsProxy,
  createSandboxScratch,
  kubeRequestCounts,
  loadSettings,
  sandboxAppConfig,
  sandboxDemoEastCluster,
} from '@irsa-backstage/sandbox-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { ExtraCluster, startExtraClusters } from './extraClusters';
import { ConfigReader } from '@backstage/config';
import knexFactory from 'knex';
import { DatabaseIrsaStore } from '../../plugins/irsa-backend/src/database/DatabaseIrsaStore';
import { IamInventoryReader } from '../../plugins/irsa-backend/src/inventory/IamInventoryReader';
import { InventoryService } from '../../plugins/irsa-backend/src/inventory/InventoryService';
import { InventoryStore } from '../../plugins/irsa-backend/src/inventory/InventoryStore';
import { AwsClientFactory } from '../../plugins/irsa-backend/src/service/AwsClientFactory';
import { AwsIamReader } from '../../plugins/irsa-backend/src/service/AwsIamReader';
import { ClusterService } from '../../plugins/irsa-backend/src/service/ClusterService';
import { readIrsaConfig } from '../../plugins/irsa-backend/src/service/config';
import { KubernetesClientFactory } from '../../plugins/irsa-backend/src/service/KubernetesClientFactory';
import { memoryCache } from '../../plugins/irsa-backend/src/__testUtils__/services';
import {
  Replica,
  startReplica,
} from '../../plugins/irsa-backend/src/__testUtils__/replicas';

const arg = (name: string, fallback: number) =>
  Number(
    new RegExp(`--${name}=(\\d+)`).exec(process.argv.join(' '))?.[1] ??
      fallback,
  );
const ROLES = arg('roles', 2000);
const SERVICE_ACCOUNTS = arg('service-accounts', 1000);
/** The sandbox's cluster and CLUSTERS - 1 kube-apiservers started by the bench. */
const CLUSTERS = arg('clusters', 3);
const CLIENTS = 20;
/** `--profile=DIR`: the backend writes a CPU profile (.cpuprofile) there when it stops. */
const PROFILE_DIR = /--profile=(\S+)/.exec(process.argv.join(' '))?.[1];
/**
 * Warm rounds per backend. A round's 20 views wait on each other, so each round is one
 * correlated sample of 20: one garbage collection or other work on the machine during a
 * round moves all of them, and with 10 rounds that is a tenth of the views, more than
 * a p95 may ignore.
 */
const ROUNDS = arg('rounds', 50);
/** Unmeasured warm rounds first, while V8 still compiles the request path. */
const WARMUP_ROUNDS = 3;
const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const total = (c: Record<string, number>) =>
  Object.values(c).reduce((a, b) => a + b, 0);
/** The clusters the bench started, beside the sandbox's (set once, in main). */
let extras: ExtraCluster[] = [];

async function main() {
  const s = loadSettings();
  const scratch = createSandboxScratch(s, 'disc');
  const ns = scratch.namespace('estate');
  const iam = scratch.iam;
  await removeLeftovers(s);
  const started = performance.now();
  const [clusters] = await Promise.all([
    startExtraClusters(s.IRSA_SANDBOX_K8S_CA_FILE, CLUSTERS - 1),
    seedRoles(iam, s, ns),
  ]);
  extras = clusters.clusters;
  for (let i = 0; i < ROLES; i++) scratch.trackRole(`bench-disc-${i}`);
  seedServiceAccounts(scratch.kubectl, ns);
  for (const c of extras) {
    const kubectl = (args: string[], input?: string) =>
      execFileSync('kubectl', ['--kubeconfig', c.kubeconfig, ...args], {
        encoding: 'utf8',
        input,
        maxBuffer: 64 * 1024 * 1024,
      });
    kubectl(['create', 'namespace', ns]);
    seedServiceAccounts(kubectl, ns);
  }
  console.log(
    `seeded ${ROLES} roles and ${CLUSTERS} x ${SERVICE_ACCOUNTS} service accounts in ${Math.round(
      performance.now() - started,
    )} ms`,
  );
  const proxy = await countingAwsProxy(s.AWS_ENDPOINT_URL);
  try {
    const config = benchConfig(s, proxy.url);
    const inventory = await measureInventory(config, proxy);
    const naive = await measureNaive(config, proxy);
    const views = await measureViews(s, proxy, ns);
    report({ inventory, naive, views });
  } finally {
    await proxy.close();
    await clusters.stop();
    await scratch.cleanup();
  }
}

function benchConfig(s: ReturnType<typeof loadSettings>, endpoint: string) {
  const config = sandboxAppConfig(s, [
    sandboxDemoEastCluster(s),
    ...extras.map(c => ({
      name: c.name,
      accountId: '123456789012',
      region: 'us-east-1',
      url: c.url,
      caFile: c.caFile,
      serviceAccountToken: c.token,
      oidcIssuer: c.issuer,
    })),
  ]);
  return {
    ...config,
    irsa: { ...config.irsa, aws: { ...config.irsa.aws, endpoint } },
  };
}

async function seedRoles(
  iam: IAMClient,
  s: ReturnType<typeof loadSettings>,
  ns: string,
) {
  for (let i = 0; i < ROLES; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, ROLES - i) }, (_, k) =>
        seedRole(iam, s, ns, i + k),
      ),
    );
  }
}

async function seedRole(
  iam: IAMClient,
  s: ReturnType<typeof loadSettings>,
  ns: string,
  i: number,
) {
  const name = `bench-disc-${i}`;
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(
        buildIrsaTrustPolicy({
          accountId: '123456789012',
          oidcIssuer: s.IRSA_SANDBOX_DEMO_EAST_ISSUER,
          namespace: ns,
          serviceAccount: `sa-${i}`,
          audience: 'sts.amazonaws.com',
        }),
      ),
      Tags:
        i % 4 === 3
          ? [{ Key: 'backstage.io/entity-ref', Value: taggedEntity(i) }]
          : [],
    }),
  );
  if (i % 2 === 0)
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: name, PolicyArn: S3_READ }),
    );
  if (i % 3 === 0) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'inline',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 'sqs:SendMessage'],
              Resource: '*',
            },
          ],
        }),
      }),
    );
  }
}

/** Every hundredth tagged role is payments-api's, the rest each their own service's. */
function taggedEntity(i: number): string {
  return i % 100 === 3
    ? 'component:default/payments-api'
    : `component:default/svc-${i}`;
}

function seedServiceAccounts(
  kubectl: (args: string[], input?: string) => string,
  ns: string,
) {
  const items = Array.from({ length: SERVICE_ACCOUNTS }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: `sa-${i}`,
      namespace: ns,
      labels: {
        'backstage.io/kubernetes-id': i === 0 ? 'payments-api' : `svc-${i}`,
      },
      annotations: {
        'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/bench-disc-${i}`,
      },
    },
  }));
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
}

/** Roles an interrupted run left behind. */
async function removeLeftovers(s: ReturnType<typeof loadSettings>) {
  const cleaner = createSandboxScratch(s, 'disc-old');
  for await (const page of paginateListRoles({ client: cleaner.iam }, {})) {
    (page.Roles ?? [])
      .filter(r => r.RoleName!.startsWith('bench-disc-'))
      .forEach(r => cleaner.trackRole(r.RoleName!));
  }
  await cleaner.cleanup();
}

/** The inventory's refresh, in this process, over an in-memory SQLite. */
async function measureInventory(appConfig: object, proxy: CountingAwsProxy) {
  const config = new ConfigReader(appConfig);
  const irsa = readIrsaConfig(config);
  const aws = AwsClientFactory.fromConfig(config, irsa);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await DatabaseIrsaStore.create({ database: mockServices.database({ knex }) });
  const logger = silentLogger();
  const inventory = new InventoryService({
    clusters: new ClusterService(
      irsa,
      new AwsIamReader(aws),
      memoryCache(),
      logger,
    ),
    iam: new IamInventoryReader(aws),
    kube: new KubernetesClientFactory({
      timeoutMs: 120_000,
      pageSize: 500,
      maxItems: 100_000,
    }),
    store: new InventoryStore(knex),
    catalog: {
      getEntities: async () => ({ items: [] }),
      getEntitiesByRefs: async () => ({ items: [] }),
    } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    permissions: {} as any,
    userInfo: {} as any,
    logger,
  });
  proxy.take();
  const start = performance.now();
  const { bindings } = await inventory.refresh();
  const ms = performance.now() - start;
  await knex.destroy();
  return { ms, awsCalls: total(proxy.take()), bindings };
}

function silentLogger(): any {
  const logger: any = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child: () => logger,
  };
  return logger;
}

/** Bench-only: every role read the way a per-role implementation reads it. */
async function measureNaive(appConfig: object, proxy: CountingAwsProxy) {
  const config = new ConfigReader(appConfig);
  const irsa = readIrsaConfig(config);
  const aws = AwsClientFactory.fromConfig(config, irsa);
  const reader = new AwsIamReader(aws);
  const client = await aws.iam('123456789012');
  proxy.take();
  const start = performance.now();
  const arns: Array<{ arn: string; roleName: string }> = [];
  for await (const page of paginateListRoles({ client }, {})) {
    arns.push(
      ...(page.Roles ?? []).map(r => ({ arn: r.Arn!, roleName: r.RoleName! })),
    );
  }
  for (let i = 0; i < arns.length; i += 8) {
    await Promise.all(
      arns
        .slice(i, i + 8)
        .map(r => reader.readRole({ ...r, accountId: '123456789012' })),
    );
  }
  return {
    ms: performance.now() - start,
    awsCalls: total(proxy.take()),
    roles: arns.length,
  };
}

/**
 * GET /entities/default/component/payments-api/bindings, 20 clients at once, ROUNDS rounds,
 * side by side on two backends: views built anew every time (`irsa.entityViews.reuseSeconds:
 * 0`, as before EntityViews) and reused while unchanged (the default). Each backend's
 * inventory is refreshed first (the view reads the roles tagged for the entity from it);
 * the two alternate round by round, so that other work on the machine weighs on both alike.
 */
async function measureViews(
  s: ReturnType<typeof loadSettings>,
  proxy: CountingAwsProxy,
  ns: string,
) {
  const rebuilt = await startBenchReplica(s, proxy, 0);
  const reused = await startBenchReplica(s, proxy, undefined).catch(async e => {
    await rebuilt.stop();
    throw e;
  });
  try {
    await Promise.all([
      inventoryRefreshed(rebuilt),
      inventoryRefreshed(reused),
    ]);
    // Let the informers sync, so that warm views are the steady state.
    await new Promise(r => setTimeout(r, 5_000));
    const result: Record<string, any> = {};
    for (const [name, replica] of [
      ['rebuilt', rebuilt],
      ['reused', reused],
    ] as const) {
      proxy.take();
      const kubeBefore = kubeRequests(s);
      const cold = await round(replica);
      result[name] = {
        cold: {
          ...percentiles(cold.ms),
          awsCalls: total(proxy.take()),
          ...(({ total: kubeCalls, byKind: kubeCallsByKind }) => ({
            kubeCalls,
            kubeCallsByKind,
          }))(kubeRequestsSince(s, kubeBefore)),
          views: CLIENTS,
          bindings: cold.bindings,
        },
        warmMs: [] as number[],
      };
    }
    for (let r = 0; r < WARMUP_ROUNDS; r++) {
      await round(rebuilt);
      await round(reused);
    }
    proxy.take();
    const warmKubeBefore = kubeRequests(s);
    const cpuBefore = { rebuilt: cpuMs(rebuilt), reused: cpuMs(reused) };
    for (let r = 0; r < ROUNDS; r++) {
      result.rebuilt.warmMs.push(...(await round(rebuilt)).ms);
      result.reused.warmMs.push(...(await round(reused)).ms);
    }
    const cpuAfter = { rebuilt: cpuMs(rebuilt), reused: cpuMs(reused) };
    const warmViews = 2 * CLIENTS * ROUNDS;
    const awsCallsPerView = total(proxy.take()) / warmViews;
    const warmKube = kubeRequestsSince(s, warmKubeBefore);
    const kubeCallsPerView = warmKube.total / warmViews;
    for (const name of ['rebuilt', 'reused']) {
      const { warmMs, ...rest } = result[name];
      result[name] = {
        ...rest,
        warm: {
          ...percentiles(warmMs),
          awsCallsPerView,
          kubeCallsPerView,
          kubeCallsByKind: warmKube.byKind,
          // Less sensitive to other work on the machine than the latencies.
          backendCpuMsPerView:
            Math.round(
              ((cpuAfter[name as 'rebuilt'] - cpuBefore[name as 'rebuilt']) /
                warmMs.length) *
                100,
            ) / 100,
          views: warmMs.length,
        },
      };
    }
    return { ...result, namespace: ns };
  } finally {
    await Promise.all([rebuilt.stop(), reused.stop()]);
  }
}

function startBenchReplica(
  s: ReturnType<typeof loadSettings>,
  proxy: CountingAwsProxy,
  reuseSeconds: number | undefined,
) {
  const config = benchConfig(s, proxy.url);
  return startReplica({
    execArgv: PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`]
      : [],
    // As deployed (Backstage's production image): JSON logs, not the coloured development format.
    nodeEnv: 'production',
    database: { client: 'better-sqlite3', connection: ':memory:' },
    appConfig: {
      ...config,
      irsa: {
        ...config.irsa,
        inventory: { initialDelaySeconds: 0 },
        ...(reuseSeconds === undefined
          ? {}
          : { entityViews: { reuseSeconds } }),
      },
    },
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'payments-api',
          namespace: 'default',
          annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
        },
        spec: {
          type: 'service',
          owner: 'group:default/team-payments',
          lifecycle: 'production',
        },
      },
    ],
  });
}

/** CPU time (user + system) the replica's process has used so far, from /proc (10 ms ticks). */
function cpuMs(replica: Replica): number {
  const stat = fs.readFileSync(`/proc/${replica.pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits for the replica's first inventory refresh (it starts at once). */
async function inventoryRefreshed(replica: Replica) {
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    const res = await fetch(`${replica.baseUrl}/api/irsa/bindings?limit=1`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    if (res.ok && (await res.json()).refreshedAt) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`no inventory refresh on ${replica.baseUrl} within 180 s`);
}

/** CLIENTS views at once: their times, and how many bindings the view had. */
async function round(replica: Replica) {
  const view = async () => {
    const t = performance.now();
    const res = await fetch(
      `${replica.baseUrl}/api/irsa/entities/default/component/payments-api/bindings`,
      { headers: { authorization: mockCredentials.user.header() } },
    );
    const body = await res.json();
    if (!res.ok) throw new Error(`view answered ${res.status}`);
    return { ms: performance.now() - t, bindings: body.bindings.length };
  };
  const views = await Promise.all(Array.from({ length: CLIENTS }, view));
  return { ms: views.map(v => v.ms), bindings: views[0].bindings };
}

/**
 * Every cluster's kube-apiserver requests for service accounts and pods so far, watches
 * excluded, by `<cluster> <VERB> <resource>`.
 */
function kubeRequests(
  s: ReturnType<typeof loadSettings>,
): Record<string, number> {
  const clusters = [
    { name: 'demo-east', kubeconfig: s.IRSA_SANDBOX_KUBECONFIG },
    ...extras,
  ];
  const counts: Record<string, number> = {};
  for (const { name, kubeconfig } of clusters) {
    const byVerb = kubeRequestCounts(
      kubeconfig,
      new Set(['serviceaccounts', 'pods']),
    );
    for (const [key, n] of Object.entries(byVerb)) {
      if (!key.startsWith('WATCH ')) counts[`${name} ${key}`] = n;
    }
  }
  return counts;
}

/** The requests made since `before`, by kind (only those that grew), and their total. */
function kubeRequestsSince(
  s: ReturnType<typeof loadSettings>,
  before: Record<string, number>,
) {
  const byKind = Object.fromEntries(
    Object.entries(kubeRequests(s))
      .map(([key, n]) => [key, n - (before[key] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return { total: total(byKind), byKind };
}

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(
      sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] *
        10,
    ) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

function report(r: { inventory: any; naive: any; views: any }) {
  console.log(
    `\nEstate: ${ROLES} roles, ${CLUSTERS} clusters x ${SERVICE_ACCOUNTS} service accounts, one run\n`,
  );
  console.log(
    `inventory (bulk):  ${Math.round(r.inventory.ms)} ms, ${
      r.inventory.awsCalls
    } AWS calls, ${r.inventory.bindings} bindings`,
  );
  console.log(
    `naive per role:    ${Math.round(r.naive.ms)} ms, ${
      r.naive.awsCalls
    } AWS calls, ${r.naive.roles} roles`,
  );
  console.log(
    `ratio:             ${(r.naive.awsCalls / r.inventory.awsCalls).toFixed(
      1,
    )}x fewer AWS calls, ${(r.naive.ms / r.inventory.ms).toFixed(1)}x faster`,
  );
  for (const name of ['rebuilt', 'reused']) {
    const v = r.views[name];
    console.log(
      `view (${name}, ${v.cold.bindings} bindings), ${CLIENTS} clients, cold: p50 ${v.cold.p50} ms, p95 ${v.cold.p95} ms; ${v.cold.awsCalls} AWS and ${v.cold.kubeCalls} Kubernetes calls for ${v.cold.views} views`,
    );
    console.log(
      `view (${name}), ${CLIENTS} clients, warm: p50 ${v.warm.p50} ms, p95 ${v.warm.p95} ms, backend CPU ${v.warm.backendCpuMsPerView} ms per view; ${v.warm.awsCallsPerView} AWS and ${v.warm.kubeCallsPerView} Kubernetes calls per view (both backends, ${v.warm.views} views each)`,
    );
  }
  console.log(
    `\n${JSON.stringify({
      roles: ROLES,
      clusters: CLUSTERS,
      serviceAccounts: SERVICE_ACCOUNTS,
      ...r,
    })}`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
