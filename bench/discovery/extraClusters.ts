/*
 * Bench-only: more clusters beside the sandbox's, as the estate has three. Each is a
 * real kube-apiserver (the sandbox's binary, certificates and service-account keys) on a free
 * loopback port, on the sandbox's etcd under an --etcd-prefix of its own, with its own issuer
 * and a static admin token (--token-auth-file: a new apiserver holds no service account that a
 * token could belong to). stop() ends each one by its process id and deletes its prefix from
 * etcd, so nothing is left behind.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  stopChild,
} from '../../plugins/irsa-backend/src/__testUtils__/replicas';

export interface ExtraCluster {
  name: string;
  url: string;
  issuer: string;
  token: string;
  caFile: string;
  /** An admin kubeconfig (kubectl, request counters). */
  kubeconfig: string;
}

const REPO_ROOT = path.resolve(__dirname, '../..');

/** Where `sandbox/sandbox build` put kube-apiserver (its k8s_bin_dir). */
function kubeBinDir(): string {
  const cache =
    process.env.IRSA_CACHE_DIR ??
    path.join(
      process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
      'irsa-backstage',
    );
  const mod = path.join(REPO_ROOT, 'sandbox/k8s');
  const hash = createHash('sha256')
    .update(fs.readFileSync(path.join(mod, 'go.mod')))
    .update(fs.readFileSync(path.join(mod, 'go.sum')))
    .digest('hex')
    .slice(0, 16);
  return path.join(cache, 'k8s-bin', hash);
}

/** The sandbox's etcd client port, from the state directory next to its certificates. */
function etcdPort(pkiDir: string): number {
  const runEnv = fs.readFileSync(path.join(pkiDir, '..', 'run.env'), 'utf8');
  return Number(/^ETCD_PORT=(\d+)$/m.exec(runEnv)?.[1] ?? 12379);
}

/**
 * Starts `count` kube-apiservers, named `bench-2`, `bench-3`, ...; resolves once each answers
 * /readyz. `stop` ends them and removes their data.
 */
export async function startExtraClusters(
  caFile: string,
  count: number,
): Promise<{ clusters: ExtraCluster[]; stop(): Promise<void> }> {
  const pki = path.dirname(caFile);
  const run = randomBytes(3).toString('hex');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-bench-clusters-'));
  const token = randomBytes(24).toString('hex');
  fs.writeFileSync(
    path.join(dir, 'tokens.csv'),
    `${token},bench-admin,bench-admin,"system:masters"\n`,
    { mode: 0o600 },
  );
  const etcd = etcdPort(pki);
  const started: Array<{ child: ChildProcess; prefix: string }> = [];
  const clusters: ExtraCluster[] = [];
  const stop = async () => {
    await Promise.all(started.map(({ child }) => stopChild(child, 15_000)));
    for (const { prefix } of started) await deletePrefix(etcd, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let n = 2; n < count + 2; n++) {
      const name = `bench-${n}`;
      const port = await freePort();
      const prefix = `/irsa-bench-${run}-${n}`;
      const issuer = `https://oidc.bench.invalid/${run}/${name}`;
      const log = fs.openSync(path.join(dir, `${name}.log`), 'w');
      const child = spawn(
        path.join(kubeBinDir(), 'kube-apiserver'),
        [
          ...['--etcd-servers', `http://127.0.0.1:${etcd}`],
          ...['--etcd-prefix', prefix],
          ...['--bind-address', '127.0.0.1'],
          ...['--advertise-address', '127.0.0.1'],
          ...['--secure-port', String(port)],
          ...['--endpoint-reconciler-type', 'none'],
          ...['--service-cluster-ip-range', '10.0.0.0/24'],
          ...['--tls-cert-file', path.join(pki, 'apiserver.crt')],
          ...['--tls-private-key-file', path.join(pki, 'apiserver.key')],
          ...['--client-ca-file', caFile],
          ...['--token-auth-file', path.join(dir, 'tokens.csv')],
          ...['--authorization-mode', 'RBAC'],
          ...['--service-account-issuer', issuer],
          ...['--service-account-key-file', path.join(pki, 'sa.pub')],
          ...['--service-account-signing-key-file', path.join(pki, 'sa.key')],
          ...['--cert-dir', path.join(dir, `${name}-certs`)],
        ],
        { stdio: ['ignore', log, log] },
      );
      started.push({ child, prefix });
      const kubeconfig = path.join(dir, `${name}.kubeconfig`);
      const url = `https://127.0.0.1:${port}`;
      fs.writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            { name, cluster: { server: url, 'certificate-authority': caFile } },
          ],
          users: [{ name: 'bench-admin', user: { token } }],
          contexts: [{ name, context: { cluster: name, user: 'bench-admin' } }],
          'current-context': name,
        }),
        { mode: 0o600 },
      );
      clusters.push({ name, url, issuer, token, caFile, kubeconfig });
    }
    await Promise.all(
      clusters.map((c, i) => waitReady(c, started[i].child, dir)),
    );
    return { clusters, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitReady(c: ExtraCluster, child: ChildProcess, dir: string) {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    try {
      execFileSync(
        'kubectl',
        ['--kubeconfig', c.kubeconfig, 'get', '--raw', '/readyz'],
        {
          stdio: 'pipe',
          timeout: 5000,
        },
      );
      return;
    } catch {
      await new Promise(r => setTimeout(r, 500));
    }
  }
  const log = fs.readFileSync(path.join(dir, `${c.name}.log`), 'utf8');
  throw new Error(
    `kube-apiserver ${c.name} did not become ready:\n${log.slice(-2000)}`,
  );
}

/** Deletes every key under `prefix/` through etcd's JSON gateway (v3 deleterange). */
async function deletePrefix(port: number, prefix: string) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // Every key that starts with `prefix/`: up to `prefix0` ('0' follows '/').
  const res = await fetch(`http://127.0.0.1:${port}/v3/kv/deleterange`, {
    method: 'POST',
    body: JSON.stringify({
      key: b64(`${prefix}/`),
      range_end: b64(`${prefix}0`),
    }),
  });
  if (!res.ok)
    throw new Error(
      `etcd deleterange ${prefix}: ${res.status} ${await res.text()}`,
    );
}
