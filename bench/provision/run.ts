/*
 * Benchmark of provisioning (issue: bench/provision): latency and AWS / Kubernetes calls of
 * POST /provision/apply for a fresh create, a no-op repeat and a one-policy change, side by
 * side in one run with the AWS CLI sequence of AWS's EKS guide (guideSequence.ts).
 *
 * Needs the running, seeded sandbox. Usage, from the repository root:
 *   source scripts/lib/env.sh && yarn bench:provision [--iterations=5]
 *
 * AWS calls are counted by a loopback proxy in front of moto that both sides use; Kubernetes
 * calls are the kube-apiserver's own apiserver_request_total counters (service accounts,
 * namespaces, pods, events), read before and after each operation. The backend is a real
 * Backstage backend in a child process (the replica worker of the backend's tests) with an
 * in-memory SQLite database; the guide runs in this process. Operations run one at a time.
 */
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  countingAwsProxy,
  createSandboxScratch,
  kubeRequestCounts,
  loadSettings,
  sandboxAppConfig,
} from '@irsa-backstage/sandbox-test-utils';
import type * as K8s from '@kubernetes/client-node';
import { startReplica } from '../../plugins/irsa-backend/src/__testUtils__/replicas';
import {
  GuideClients,
  guideAddPolicy,
  guideConfirm,
  guideFreshCreate,
} from './guideSequence';

const ITERATIONS = Number(
  /--iterations=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 5,
);
const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const SQS_READ = 'arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess';
const OWNER = 'user:default/bench-owner';
const KUBE_RESOURCES = new Set([
  'serviceaccounts',
  'namespaces',
  'pods',
  'events',
]);

type Counts = Record<string, number>;

/** The kube-apiserver's request counters for the resources provisioning touches. */
function kubeCounters(kubeconfig: string): Counts {
  return kubeRequestCounts(kubeconfig, KUBE_RESOURCES);
}

function diff(after: Counts, before: Counts): Counts {
  const out: Counts = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

interface Sample {
  ms: number;
  aws: Counts;
  kube: Counts;
}

async function measure(
  kubeconfig: string,
  proxy: { take(): Counts },
  op: () => Promise<unknown>,
): Promise<Sample> {
  proxy.take();
  const before = kubeCounters(kubeconfig);
  const start = performance.now();
  await op();
  const ms = performance.now() - start;
  return {
    ms,
    aws: proxy.take(),
    kube: diff(kubeCounters(kubeconfig), before),
  };
}

async function main() {
  const s = loadSettings();
  const scratch = createSandboxScratch(s, 'bench');
  const proxy = await countingAwsProxy(s.AWS_ENDPOINT_URL);
  const config = sandboxAppConfig(s);
  const replica = await startReplica({
    database: { client: 'better-sqlite3', connection: ':memory:' },
    appConfig: {
      ...config,
      irsa: {
        ...config.irsa,
        aws: { ...config.irsa.aws, endpoint: proxy.url },
      },
    },
    entities: [benchEntity()],
  });
  const guide = guideClients(s, proxy.url);
  const results: Record<string, { ours: Sample[]; guide: Sample[] }> = {
    'fresh create': { ours: [], guide: [] },
    'no-op repeat': { ours: [], guide: [] },
    'one-policy change': { ours: [], guide: [] },
  };
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      await oneIteration(i, { s, scratch, proxy, replica, guide, results });
    }
  } finally {
    await replica.stop();
    await proxy.close();
    await scratch.cleanup();
  }
  report(results);
}

async function oneIteration(
  i: number,
  ctx: {
    s: ReturnType<typeof loadSettings>;
    scratch: ReturnType<typeof createSandboxScratch>;
    proxy: { take(): Counts };
    replica: { baseUrl: string };
    guide: GuideClients;
    results: Record<string, { ours: Sample[]; guide: Sample[] }>;
  },
) {
  const kc = ctx.s.IRSA_SANDBOX_KUBECONFIG;
  const oursNs = ctx.scratch.namespace(`o${i}`);
  const guideNs = ctx.scratch.namespace(`g${i}`);
  const apply = (policies: string[]) => () =>
    applyRequest(ctx.replica.baseUrl, oursNs, policies, ctx.scratch);
  const target = {
    eksClusterName: 'demo-east',
    namespace: guideNs,
    serviceAccount: 'bench-svc',
    roleName: `bench-guide-${guideNs}`.slice(0, 64),
  };
  ctx.scratch.trackRole(target.roleName);
  const r = ctx.results;
  r['fresh create'].ours.push(await measure(kc, ctx.proxy, apply([S3_READ])));
  r['fresh create'].guide.push(
    await measure(kc, ctx.proxy, () =>
      guideFreshCreate(ctx.guide, target, S3_READ),
    ),
  );
  r['no-op repeat'].ours.push(await measure(kc, ctx.proxy, apply([S3_READ])));
  r['no-op repeat'].guide.push(
    await measure(kc, ctx.proxy, () => guideConfirm(ctx.guide, target)),
  );
  r['one-policy change'].ours.push(
    await measure(kc, ctx.proxy, apply([S3_READ, SQS_READ])),
  );
  r['one-policy change'].guide.push(
    await measure(kc, ctx.proxy, () =>
      guideAddPolicy(ctx.guide, target, SQS_READ),
    ),
  );
}

async function applyRequest(
  baseUrl: string,
  namespace: string,
  managedPolicyArns: string[],
  scratch: { trackRole(arn: string): void },
) {
  const res = await fetch(`${baseUrl}/api/irsa/provision/apply`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: mockCredentials.user.header(OWNER),
    },
    body: JSON.stringify({
      entityRef: 'component:default/bench-svc',
      cluster: 'demo-east',
      namespace,
      serviceAccount: 'bench-svc',
      managedPolicyArns,
    }),
  });
  const body = await res.json();
  if (!res.ok)
    throw new Error(`apply answered ${res.status}: ${JSON.stringify(body)}`);
  scratch.trackRole(body.roleArn);
  return body;
}

function benchEntity() {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'bench-svc',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'bench-svc' },
    },
    spec: { type: 'service', owner: OWNER, lifecycle: 'production' },
  };
}

function guideClients(
  s: ReturnType<typeof loadSettings>,
  endpoint: string,
): GuideClients {
  const aws = {
    endpoint,
    region: 'us-east-1',
    credentials: {
      accessKeyId: s.AWS_ACCESS_KEY_ID,
      secretAccessKey: s.AWS_SECRET_ACCESS_KEY,
    },
  };
  const k8s = require('@kubernetes/client-node') as typeof K8s;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(s.IRSA_SANDBOX_KUBECONFIG);
  return {
    iam: new IAMClient(aws),
    eks: new EKSClient(aws),
    sts: new STSClient(aws),
    core: kc.makeApiClient(k8s.CoreV1Api),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(samples: Sample[]) {
  const last = samples[samples.length - 1];
  return {
    medianMs: Math.round(median(samples.map(x => x.ms)) * 10) / 10,
    awsCalls: median(samples.map(x => total(x.aws))),
    kubeCalls: median(samples.map(x => total(x.kube))),
    aws: last.aws,
    kube: last.kube,
  };
}

function report(results: Record<string, { ours: Sample[]; guide: Sample[] }>) {
  const rows = Object.entries(results).map(([scenario, { ours, guide }]) => ({
    scenario,
    ours: summary(ours),
    guide: summary(guide),
  }));
  console.log(
    `\nProvisioning, median of ${ITERATIONS} runs each, side by side in one run\n`,
  );
  console.log(
    'scenario            | apply ms | guide ms | ms ratio | AWS calls apply/guide | k8s calls apply/guide',
  );
  for (const { scenario, ours, guide } of rows) {
    console.log(
      `${scenario.padEnd(19)} | ${String(ours.medianMs).padStart(8)} | ${String(
        guide.medianMs,
      ).padStart(8)} | ${(ours.medianMs / guide.medianMs)
        .toFixed(2)
        .padStart(8)} | ${`${ours.awsCalls} / ${guide.awsCalls}`.padStart(
        21,
      )} | ${`${ours.kubeCalls} / ${guide.kubeCalls}`.padStart(21)}`,
    );
  }
  for (const { scenario, ours, guide } of rows) {
    console.log(
      `\n${scenario}\n  apply: AWS ${JSON.stringify(
        ours.aws,
      )} k8s ${JSON.stringify(ours.kube)}\n  guide: AWS ${JSON.stringify(
        guide.aws,
      )} k8s ${JSON.stringify(guide.kube)}`,
    );
  }
  console.log(`\n${JSON.stringify({ iterations: ITERATIONS, rows })}`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
