/*
 * Reads from informers against the sandbox's real kube-apiserver: after the first list, reads
 * are answered from memory; watch events keep the index current; a cut watch keeps its data and
 * is reported stale, and so is one whose server falls silent. The watching identity is made
 * here (a service account allowed to get, list and watch service accounts and pods). Needs a
 * running, seeded sandbox.
 */
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  createSandboxScratch,
  loadSettings,
  sandboxAppConfig,
  sandboxDemoEastCluster,
  SandboxScratch,
} from '../__testUtils__/sandboxSettings';
import { ClusterConfig, readIrsaConfig } from './config';
import { InformerKubernetesReader } from './InformerKubernetesReader';
import { KubernetesApiReader } from './KubernetesApiReader';
import { KubernetesClientFactory } from './KubernetesClientFactory';
import { KubernetesReader } from './KubernetesReader';

const LABEL = 'backstage.io/kubernetes-id';

/**
 * A loopback TLS server (a throwaway self-signed certificate) that completes the handshake,
 * reads requests and never answers one: a hung API server, or a TLS-terminating middlebox in
 * front of one. The client sees a connection, then nothing.
 */
async function startSilentTlsServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-silent-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    { stdio: 'pipe' },
  );
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
    socket => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      socket.resume();
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      for (const socket of sockets) socket.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP relay to the API server that can be cut (open connections dropped, new ones closed)
 * or silenced: open connections stay open and carry nothing more, new ones go to `silentPort`
 * (a server that accepts and never answers).
 */
async function startRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let cut = false;
  let silentPort: number | undefined;
  const server = net.createServer(client => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = silentPort
      ? net.connect(silentPort, '127.0.0.1')
      : net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    silence(port: number) {
      silentPort = port;
      for (const socket of sockets) {
        socket.unpipe();
        socket.removeAllListeners('data');
        socket.resume();
      }
    },
    restore() {
      cut = false;
      silentPort = undefined;
      // Silenced connections carry nothing any more: drop them, new ones are relayed.
      for (const socket of sockets) socket.destroy();
    },
    close() {
      // Relayed connections (a stopped informer's) must not hold the server open.
      for (const socket of sockets) socket.destroy();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** A live reader counting the reads that reach the API server. */
function countingLive(kube: KubernetesClientFactory) {
  const api = new KubernetesApiReader(kube);
  const calls: string[] = [];
  const counted =
    <A extends unknown[], R>(name: string, read: (...args: A) => R) =>
    (...args: A) => {
      calls.push(name);
      return read(...args);
    };
  const live: KubernetesReader = {
    readServiceAccount: counted('readServiceAccount', api.readServiceAccount.bind(api)),
    listServiceAccounts: counted('listServiceAccounts', api.listServiceAccounts.bind(api)),
    listPods: counted('listPods', api.listPods.bind(api)),
    listPodsOf: counted('listPodsOf', api.listPodsOf.bind(api)),
  };
  return { live, calls };
}

/** A pod of `namespace`, labelled for it, running as `serviceAccountName`. */
const pod = (namespace: string, name: string, serviceAccountName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { [LABEL]: namespace } },
  spec: { serviceAccountName, containers: [{ name: 'app', image: 'busybox', env: [{ name: 'A', value: '1' }] }] },
});

describe('InformerKubernetesReader (sandbox)', () => {
  let scratch: SandboxScratch;
  let namespace: string;
  let cluster: ClusterConfig;
  let clusterRole: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;

  beforeAll(async () => {
    const s = loadSettings();
    scratch = createSandboxScratch(s, 'informer');
    namespace = scratch.namespace('w');
    clusterRole = `${namespace}-watcher`;
    scratch.kubectl(['create', 'serviceaccount', '-n', namespace, 'watcher']);
    scratch.kubectl(['create', 'serviceaccount', '-n', namespace, 'app-a']);
    scratch.kubectl(['label', 'serviceaccount', '-n', namespace, 'app-a', `${LABEL}=${namespace}`]);
    scratch.kubectl(['create', 'clusterrole', clusterRole, '--verb=get,list,watch', '--resource=serviceaccounts,pods']);
    scratch.kubectl(['create', 'clusterrolebinding', clusterRole, `--clusterrole=${clusterRole}`, `--serviceaccount=${namespace}:watcher`]);
    const token = scratch.kubectl(['create', 'token', 'watcher', '-n', namespace, '--duration=1h']).trim();
    const { serviceAccountTokenFile: _, ...demoEast } = sandboxDemoEastCluster(s);
    relay = await startRelay(new URL(s.IRSA_SANDBOX_K8S_URL));
    const config = sandboxAppConfig(s, [
      { ...demoEast, serviceAccountToken: token },
      { ...demoEast, name: 'relayed', url: relay.url, serviceAccountToken: token },
    ]);
    [cluster] = readIrsaConfig(new ConfigReader(config)).clusters;
    scratch.kubectl(['apply', '-n', namespace, '-f', '-'], JSON.stringify(pod(namespace, 'web-1', 'app-a')));
  });

  afterAll(async () => {
    await relay?.close();
    scratch.kubectl(['delete', 'clusterrolebinding,clusterrole', clusterRole, '--ignore-not-found']);
    await scratch.cleanup();
  }, 60_000);

  function reader(options: { silenceMs?: number } = {}) {
    const kube = new KubernetesClientFactory({ timeoutMs: 5000, pageSize: 100, maxItems: 2000 });
    const { live, calls } = countingLive(kube);
    const lists = jest.spyOn(kube, 'listEvery');
    return { reader: new InformerKubernetesReader(kube, live, mockServices.logger.mock(), options), calls, lists };
  }

  it('answers from memory once synced: the seeded objects, with no further API call', async () => {
    const { reader: informers, calls, lists } = reader();
    try {
      // Before the first list is in, reads go to the API server.
      await informers.readServiceAccount(cluster, { namespace, name: 'app-a' });
      expect(calls).toEqual(['readServiceAccount']);
      await eventually(() => informers.isSynced(cluster));
      const listsAtSync = lists.mock.calls.length;
      calls.length = 0;
      const query = { labelSelector: `${LABEL}=${namespace}` };
      const accounts = await informers.listServiceAccounts(cluster, query);
      expect(accounts.items.map(a => a.metadata!.name)).toEqual(['app-a']);
      expect((await informers.listPods(cluster, query)).items.map(p => p.metadata!.name)).toEqual(['web-1']);
      const podsOf = await informers.listPodsOf(cluster, { namespace, name: 'app-a' });
      expect(podsOf.items[0].spec!.containers).toEqual([{ name: 'app', env: [{ name: 'A', value: '1' }] }]);
      expect(await informers.readServiceAccount(cluster, { namespace, name: 'app-a' })).toBeDefined();
      expect(await informers.readServiceAccount(cluster, { namespace, name: 'nope' })).toBeUndefined();
      expect(calls).toEqual([]);
      expect(lists.mock.calls.length).toBe(listsAtSync);
      expect(informers.staleness(cluster)).toBeUndefined();
    } finally {
      await informers.stop();
    }
  });

  it('follows the watch: a service account created appears, a deleted one disappears', async () => {
    const { reader: informers } = reader();
    try {
      informers.start([cluster]);
      await eventually(() => informers.isSynced(cluster));
      const read = () => informers.readServiceAccount(cluster, { namespace, name: 'app-b' });
      scratch.kubectl(['create', 'serviceaccount', '-n', namespace, 'app-b']);
      await eventually(async () => (await read()) !== undefined, 5000);
      scratch.kubectl(['delete', 'serviceaccount', '-n', namespace, 'app-b']);
      await eventually(async () => (await read()) === undefined, 5000);
      expect(await read()).toBeUndefined();
    } finally {
      await informers.stop();
    }
  });

  it('keeps serving a cut watch’s last data, reports it stale without blocking, and recovers', async () => {
    const { reader: informers, calls } = reader();
    const relayed = { ...cluster, name: 'relayed', url: relay.url };
    try {
      informers.start([relayed]);
      await eventually(() => informers.isSynced(relayed));
      relay.cut();
      await eventually(() => informers.staleness(relayed) !== undefined);
      const started = Date.now();
      const accounts = await informers.listServiceAccounts(relayed, { labelSelector: `${LABEL}=${namespace}` });
      expect(Date.now() - started).toBeLessThan(100);
      expect(accounts.items.map(a => a.metadata!.name)).toEqual(['app-a']);
      expect(informers.staleness(relayed)).toEqual({
        syncedAt: expect.any(Date),
        staleSinceSeconds: expect.any(Number),
        reason: expect.any(String),
      });
      expect(calls).toEqual([]);
      relay.restore();
      await eventually(() => informers.staleness(relayed) === undefined, 15_000);
    } finally {
      await informers.stop();
    }
  }, 30_000);

  it('reports a watch whose server falls silent (accepts, never answers) stale, and recovers', async () => {
    const { reader: informers, calls } = reader({ silenceMs: 1000 });
    // The silent server's certificate is its own: the relayed cluster does not check it.
    const relayed = { ...cluster, name: 'relayed', url: relay.url, skipTLSVerify: true };
    const silent = await startSilentTlsServer();
    try {
      informers.start([relayed]);
      await eventually(() => informers.isSynced(relayed));
      relay.silence(silent.port);
      // No event for 1 s, then the probe gets no answer within the 5 s time limit. (The
      // client alone would only reconnect after 30 s of silence, to the same silence.)
      await eventually(() => informers.staleness(relayed) !== undefined, 15_000);
      expect(informers.staleness(relayed)!.reason).toMatch(/did not answer/);
      const accounts = await informers.listServiceAccounts(relayed, { labelSelector: `${LABEL}=${namespace}` });
      expect(accounts.items.map(a => a.metadata!.name)).toEqual(['app-a']);
      expect(calls).toEqual([]);
      expect(informers.dataVersion(relayed)).toBeUndefined();
      relay.restore();
      await eventually(() => informers.staleness(relayed) === undefined, 40_000);
      expect(informers.dataVersion(relayed)).toBeDefined();
    } finally {
      await informers.stop();
      await silent.close();
    }
  }, 70_000);
});
