#!/usr/bin/env node
/*
 * Benchmark of irsa-common's analysis, on one core:
 *   - trust verdicts per second over 10,000 generated (service account, role)
 *     pairs (goal: >= 50,000/s);
 *   - permission analyses per second over 1,000 generated policies (goal:
 *     >= 20,000/s);
 * each with a shared analysis cache and, side by side, with one that holds
 * nothing (the naive way: parse the policy text on every call, compile a
 * fresh matcher for every wildcard, expand wildcard actions again every
 * time).
 *
 * Usage, from the repository root (after `source scripts/lib/env.sh`):
 *   node bench/run-analysis.mjs            # full run, prints a table + JSON
 *   node bench/run-analysis.mjs --check    # also exit 1 below either goal
 *   node bench/run-analysis.mjs --quick    # fewer repetitions
 *   node bench/run-analysis.mjs --only=trustFull   # one measure (profiling)
 *
 * It bundles the TypeScript sources with esbuild (no package build needed)
 * and pins itself to CPU 0 with `taskset` when available.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const GOAL_VERDICTS_PER_SECOND = 50_000;
const GOAL_PERMISSIONS_PER_SECOND = 20_000;
const PAIRS = 10_000;
const ROLES = 2_000;
const POLICIES = 1_000;
const REPETITIONS = args.has('--quick') ? 3 : 7;

// One core: re-run pinned to CPU 0 unless already pinned (or taskset is missing).
if (!process.env.IRSA_BENCH_PINNED) {
  const probe = spawnSync('taskset', ['--version'], { stdio: 'ignore' });
  if (probe.status === 0) {
    const child = spawnSync(
      'taskset',
      [
        '-c',
        '0',
        process.execPath,
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        ...process.argv.slice(2),
      ],
      {
        stdio: 'inherit',
        env: { ...process.env, IRSA_BENCH_PINNED: 'taskset -c 0' },
      },
    );
    process.exit(child.status ?? 1);
  }
}

async function loadAnalysis() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'irsa-bench-'));
  const outfile = join(dir, 'analysis.cjs');
  await build({
    entryPoints: [join(here, 'analysis-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile,
    logLevel: 'warning',
  });
  const lib = createRequire(import.meta.url)(outfile);
  rmSync(dir, { recursive: true, force: true });
  return lib;
}

/** Deterministic PRNG (mulberry32), so every run measures the same data. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: n => Math.floor(next() * n),
    pick: list => list[Math.floor(next() * list.length)],
    chance: p => next() < p,
  };
}

const ROLE_ACCOUNT = '111122223333';
const CLUSTER_ACCOUNT = '444455556666';
const CLUSTERS = [
  'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  'oidc.eks.us-east-1.amazonaws.com/id/A1B2C3D4E5', // moto's 10-character ids
  'irsa.golem.gaws.gigantic.io', // Giant Swarm
];
const NAMESPACES = [
  'payments',
  'orders',
  'reports',
  'ci',
  'kube-system',
  'search',
  'billing',
  'ml',
];
const NAMES = [
  'api',
  'worker',
  'job',
  'kaniko',
  'external-dns',
  'reporter',
  'consumer',
  'indexer',
];

function serviceAccountFor(r) {
  return {
    namespace: r.pick(NAMESPACES),
    name: `${r.pick(NAMES)}-${r.int(20)}`,
  };
}

function statementFor(issuer, condition, extra = {}) {
  return {
    Effect: 'Allow',
    Principal: {
      Federated: `arn:aws:iam::${ROLE_ACCOUNT}:oidc-provider/${issuer}`,
    },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
    ...extra,
  };
}

/** A role trusted by a few service accounts, in one of the shapes seen in the wild. */
function generateRole(r, index) {
  const issuer = r.pick(CLUSTERS);
  const subject = sa => `system:serviceaccount:${sa.namespace}:${sa.name}`;
  const trusted = Array.from({ length: 1 + r.int(4) }, () =>
    serviceAccountFor(r),
  );
  const sub = `${issuer}:sub`;
  const aud = `${issuer}:aud`;
  const shape = r.next();
  let statements;
  if (shape < 0.45) {
    statements = [
      statementFor(issuer, {
        StringEquals: {
          [sub]: subject(trusted[0]),
          [aud]: 'sts.amazonaws.com',
        },
      }),
    ];
    trusted.length = 1;
  } else if (shape < 0.55) {
    statements = [
      statementFor(issuer, {
        StringEquals: {
          [sub]: trusted.map(subject),
          [aud]: 'sts.amazonaws.com',
        },
      }),
    ];
  } else if (shape < 0.65) {
    statements = [
      statementFor(issuer, {
        StringLike: {
          [sub]: `system:serviceaccount:${trusted[0].namespace}:*`,
          [aud]: 'sts.amazonaws.com',
        },
      }),
    ];
  } else if (shape < 0.7) {
    statements = [
      statementFor(issuer, {
        StringEquals: { [sub]: 'system:serviceaccount:*' },
      }),
    ];
  } else if (shape < 0.75) {
    statements = [
      statementFor(issuer, { StringEquals: { [sub]: subject(trusted[0]) } }),
    ];
  } else if (shape < 0.8) {
    statements = [
      statementFor(
        issuer,
        {
          StringEquals: {
            [sub]: subject(trusted[0]),
            [aud]: 'sts.amazonaws.com',
          },
        },
        {
          Principal: {
            Federated: `arn:aws:iam::${CLUSTER_ACCOUNT}:oidc-provider/${issuer}`,
          },
        },
      ),
    ];
  } else if (shape < 0.85) {
    statements = [
      statementFor(issuer, {
        StringEquals: {
          [`arn:aws:iam::${ROLE_ACCOUNT}:oidc-provider/${issuer}:sub`]: subject(
            trusted[0],
          ),
          [aud]: 'sts.amazonaws.com',
        },
      }),
    ];
  } else if (shape < 0.9) {
    const other = CLUSTERS.find(c => c !== issuer);
    statements = [
      statementFor(issuer, {
        StringEquals: {
          [sub]: subject(trusted[0]),
          [aud]: 'sts.amazonaws.com',
        },
      }),
      statementFor(other, {
        StringEquals: {
          [`${other}:sub`]: subject(trusted[1] ?? trusted[0]),
          [`${other}:aud`]: 'sts.amazonaws.com',
        },
      }),
    ];
  } else if (shape < 0.95) {
    statements = [
      statementFor(issuer, {
        StringLike: { [sub]: 'system:serviceaccount:*' },
        StringEquals: { [aud]: 'sts.amazonaws.com' },
      }),
      {
        ...statementFor(issuer, {
          StringLike: { [sub]: 'system:serviceaccount:kube-system:*' },
        }),
        Effect: 'Deny',
      },
    ];
  } else {
    const typo = trusted[0].namespace.replace(/.$/, 'x');
    statements = [
      statementFor(issuer, {
        StringEquals: {
          [sub]: `system:serviceaccount:${typo}:${trusted[0].name}`,
          [aud]: 'sts.amazonaws.com',
        },
      }),
    ];
  }
  const document = { Version: '2012-10-17', Statement: statements };
  // IAM returns URL-encoded documents; moto's list calls return plain JSON.
  const text = r.chance(0.7)
    ? encodeURIComponent(JSON.stringify(document))
    : JSON.stringify(document, null, 2);
  return {
    roleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/irsa-${index}`,
    issuer,
    trusted,
    trustPolicy: text,
  };
}

function generatePairs(r) {
  const roles = Array.from({ length: ROLES }, (_, i) => generateRole(r, i));
  return Array.from({ length: PAIRS }, () => {
    const role = r.pick(roles);
    const serviceAccount = r.chance(0.8)
      ? r.pick(role.trusted)
      : serviceAccountFor(r);
    const providers = r.next();
    let oidcProviders = null;
    if (providers < 0.6) {
      oidcProviders = CLUSTERS.map(c => ({
        arn: `arn:aws:iam::${ROLE_ACCOUNT}:oidc-provider/${c}`,
        clientIds: ['sts.amazonaws.com'],
      }));
    } else if (providers < 0.7) {
      oidcProviders = [];
    }
    return {
      trustPolicy: role.trustPolicy,
      roleArn: role.roleArn,
      serviceAccount,
      oidcIssuer: `https://${role.issuer}`,
      oidcProviders,
    };
  });
}

function generatePolicies(r, lib) {
  const services = [
    's3',
    'iam',
    'ec2',
    'dynamodb',
    'sqs',
    'sns',
    'lambda',
    'kms',
    'logs',
    'cloudwatch',
    'ecr',
    'sts',
    'secretsmanager',
    'ssm',
    'rds',
  ];
  const verbs = [
    'Get',
    'List',
    'Describe',
    'Put',
    'Create',
    'Delete',
    'Update',
  ];
  const actionsOf = new Map(
    services.map(s => [s, lib.expandActionPattern(`${s}:*`)]),
  );
  const resourceFor = service =>
    r.chance(0.4)
      ? '*'
      : `arn:aws:${service}:us-east-1:${ROLE_ACCOUNT}:${r.pick([
          'bucket',
          'table',
          'queue',
          'function',
          'key',
        ])}/app-${r.int(50)}`;
  const statement = () => {
    const service = r.pick(services);
    const kind = r.next();
    let Action;
    if (kind < 0.55) {
      Action = Array.from(
        { length: 1 + r.int(8) },
        () => `${service}:${r.pick(actionsOf.get(service)).split(':')[1]}`,
      );
    } else if (kind < 0.8) {
      Action = [
        `${service}:${r.pick(verbs)}*`,
        `${r.pick(services)}:${r.pick(verbs)}*`,
      ];
    } else if (kind < 0.95) {
      Action = `${service}:*`;
    } else if (kind < 0.99) {
      return {
        Effect: 'Allow',
        NotAction: `${service}:*`,
        Resource: resourceFor(service),
      };
    } else {
      Action = '*';
    }
    return {
      Effect: r.chance(0.1) ? 'Deny' : 'Allow',
      Action,
      Resource: resourceFor(service),
    };
  };
  return Array.from({ length: POLICIES }, (_, i) => {
    const document = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 1 + r.int(6) }, statement),
    };
    return {
      name: `policy-${i}`,
      document: r.chance(0.5)
        ? encodeURIComponent(JSON.stringify(document))
        : JSON.stringify(document),
    };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `fn` over all items REPETITIONS times (after one warm-up pass); median items/s. */
function measure(items, fn) {
  for (const item of items) fn(item); // warm-up: JIT, and caches when they are on
  const rates = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const start = process.hrtime.bigint();
    for (const item of items) fn(item);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(items.length / seconds);
  }
  return median(rates);
}

/** A cache as the backend keeps one, or one that holds nothing. */
function cacheFor(lib, cached) {
  return lib.createAnalysisCache(cached ? {} : { maxEntries: 0 });
}

const format = n => Math.round(n).toLocaleString('en-US');

async function main() {
  const lib = await loadAnalysis();
  const pairs = generatePairs(random(20261124));
  const policies = generatePolicies(random(42), lib);

  const setupCache = lib.createAnalysisCache();
  const verdicts = pairs.map(p =>
    lib.analyzeTrust({ ...p, cache: setupCache }),
  );
  const allowed = verdicts.filter(v => v.allowed).length;
  const withFindings = verdicts.filter(v => v.findings.length > 0).length;

  // Each measure gets its own cache, filled by its warm-up pass.
  const withCache = (items, cached) => {
    const cache = cacheFor(lib, cached);
    return items.map(item => ({ ...item, cache }));
  };
  const full = p => lib.analyzeTrust(p);
  const bare = p =>
    lib.analyzeTrust({ ...p, explain: false, suggestFixes: false });
  const permissions = ({ cache, ...policy }) =>
    lib.analyzePermissions({ policies: [policy], cache });

  // `--only=<measure>` runs one measure (e.g. under --cpu-prof).
  const only = [...args]
    .find(a => a.startsWith('--only='))
    ?.slice('--only='.length);
  const measures = {
    trustFull: () => measure(withCache(pairs, true), full),
    trustFullNaive: () => measure(withCache(pairs, false), full),
    trustBare: () => measure(withCache(pairs, true), bare),
    trustBareNaive: () => measure(withCache(pairs, false), bare),
    permissions: () => measure(withCache(policies, true), permissions),
    permissionsNaive: () => measure(withCache(policies, false), permissions),
  };
  if (only) {
    console.log(`${only}: ${format(measures[only]())}/s`);
    return;
  }
  const results = Object.fromEntries(
    Object.entries(measures).map(([name, run]) => [name, run()]),
  );

  const rows = [
    [
      'trust verdicts/s, with explanations + suggested fixes',
      results.trustFull,
      results.trustFullNaive,
    ],
    [
      'trust verdicts/s, verdict + findings only (explain/suggest off)',
      results.trustBare,
      results.trustBareNaive,
    ],
    [
      'permission analyses/s (one policy each)',
      results.permissions,
      results.permissionsNaive,
    ],
  ];
  console.log(
    `irsa-common analysis benchmark (Node ${process.version}, ${
      process.env.IRSA_BENCH_PINNED ?? 'not pinned'
    }, ${cpus()[0]?.model ?? 'cpu'})`,
  );
  console.log(
    `data: ${PAIRS} (service account, role) pairs over ${ROLES} roles (${allowed} allowed, ${withFindings} with findings); ${POLICIES} permission policies; median of ${REPETITIONS} runs after warm-up`,
  );
  console.log('');
  console.log(
    `${'measure'.padEnd(66)} ${'cached'.padStart(10)} ${'naive'.padStart(
      10,
    )} ${'ratio'.padStart(7)}`,
  );
  for (const [label, cached, naive] of rows) {
    console.log(
      `${label.padEnd(66)} ${format(cached).padStart(10)} ${format(
        naive,
      ).padStart(10)} ${`${(cached / naive).toFixed(1)}x`.padStart(7)}`,
    );
  }
  const trustGoalMet = results.trustFull >= GOAL_VERDICTS_PER_SECOND;
  const permissionsGoalMet = results.permissions >= GOAL_PERMISSIONS_PER_SECOND;
  console.log('');
  console.log(
    `goal: >= ${format(
      GOAL_VERDICTS_PER_SECOND,
    )} verdicts/s (with explanations): ${trustGoalMet ? 'met' : 'NOT met'}`,
  );
  console.log(
    `goal: >= ${format(
      GOAL_PERMISSIONS_PER_SECOND,
    )} permission analyses/s (cached): ${
      permissionsGoalMet ? 'met' : 'NOT met'
    }`,
  );
  console.log(
    JSON.stringify({
      pairs: PAIRS,
      roles: ROLES,
      policies: POLICIES,
      allowed,
      ...Object.fromEntries(
        Object.entries(results).map(([k, v]) => [k, Math.round(v)]),
      ),
    }),
  );
  if (args.has('--check') && !(trustGoalMet && permissionsGoalMet)) {
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
