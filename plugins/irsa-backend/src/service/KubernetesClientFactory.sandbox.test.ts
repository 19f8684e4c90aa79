/*
 * Bounded Kubernetes reads against the sandbox's real kube-apiserver (restricted token), and
 * against a loopback listener that never answers. Needs a running, seeded sandbox.
 */
import type * as K8s from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import { loadSettings, sandboxAppConfig, Settings } from '../__testUtils__/sandboxSettings';
import { Blackhole, startBlackhole } from '../__testUtils__/blackhole';
import { ClusterConfig, readIrsaConfig } from './config';
import { KubernetesClientFactory } from './KubernetesClientFactory';
import { TimeoutError } from './limits';

const SELECTOR = 'backstage.io/kubernetes-id';

describe('KubernetesClientFactory (sandbox)', () => {
  let s: Settings;
  let demoEast: ClusterConfig;
  let blackhole: Blackhole;

  beforeAll(async () => {
    s = loadSettings();
    demoEast = readIrsaConfig(new ConfigReader(sandboxAppConfig(s))).clusters[0];
    blackhole = await startBlackhole();
  });

  afterAll(() => blackhole.close());

  const factory = (settings: Partial<KubernetesClientFactory['settings']> = {}) =>
    new KubernetesClientFactory({ timeoutMs: 5000, pageSize: 250, maxItems: 2000, ...settings });

  const names = (items: K8s.V1ServiceAccount[]) =>
    items.map(sa => `${sa.metadata!.namespace}/${sa.metadata!.name}`).sort();

  it('reads a list in pages of `limit`, following `continue`, to the same result as one read', async () => {
    const kube = factory({ pageSize: 2 });
    const core = await kube.core(demoEast);
    const unpaged = await core.listServiceAccountForAllNamespaces({ labelSelector: SELECTOR });
    expect(unpaged.items.length).toBeGreaterThanOrEqual(5);

    const limits: number[] = [];
    const paged = await kube.listAll(async page => {
      limits.push(page.limit);
      const result = await core.listServiceAccountForAllNamespaces({ labelSelector: SELECTOR, ...page });
      expect(result.items.length).toBeLessThanOrEqual(2);
      return result;
    });
    expect(paged.truncated).toBe(false);
    expect(names(paged.items)).toEqual(names(unpaged.items));
    expect(limits).toHaveLength(Math.ceil(unpaged.items.length / 2));
    expect(new Set(limits)).toEqual(new Set([2]));
  });

  it('stops at maxItems and says the list was cut', async () => {
    const kube = factory({ pageSize: 2, maxItems: 3 });
    const core = await kube.core(demoEast);
    const limits: number[] = [];
    const listed = await kube.listAll(page => {
      limits.push(page.limit);
      return core.listServiceAccountForAllNamespaces({ labelSelector: SELECTOR, ...page });
    });
    expect(listed.items).toHaveLength(3);
    expect(listed.truncated).toBe(true);
    // the last page asks only for what is still allowed
    expect(limits).toEqual([2, 1]);
  });

  it('is not truncated when the list ends exactly at maxItems', async () => {
    const core = await factory().core(demoEast);
    const all = await core.listServiceAccountForAllNamespaces({ labelSelector: SELECTOR });
    const kube = factory({ pageSize: 2, maxItems: all.items.length });
    const listed = await kube.listAll(page =>
      core.listServiceAccountForAllNamespaces({ labelSelector: SELECTOR, ...page }),
    );
    expect(listed).toEqual({ items: expect.any(Array), truncated: false });
    expect(listed.items).toHaveLength(all.items.length);
  });

  it.each(['https', 'http'] as const)(
    'cuts off a call to an API server that accepts and never answers (%s)',
    async scheme => {
      const kube = factory({ timeoutMs: 700 });
      const silent = { ...demoEast, name: 'silent', url: blackhole.url(scheme), caFile: undefined, skipTLSVerify: true };
      const core = await kube.core(silent);
      const started = Date.now();
      const error = await core.listNamespacedServiceAccount({ namespace: 'payments' }).catch(e => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toBe(
        'Kubernetes API of cluster silent timed out: the reads of one request may take 700 ms (irsa.timeouts.kubernetesMs)',
      );
      expect(elapsed).toBeGreaterThanOrEqual(650);
      expect(elapsed).toBeLessThan(1700);
    },
  );

  it('gives every call its own time when no request deadline is passed', async () => {
    const kube = factory({ timeoutMs: 400 });
    const silent = { ...demoEast, name: 'silent', url: blackhole.url('http'), skipTLSVerify: true };
    const core = await kube.core(silent);
    const started = Date.now();
    await expect(core.readNamespacedServiceAccount({ namespace: 'a', name: 'b' })).rejects.toThrow(TimeoutError);
    await expect(core.readNamespacedServiceAccount({ namespace: 'a', name: 'b' })).rejects.toThrow(TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(780);
  });

  it('shares one request deadline across the calls made with it', async () => {
    const kube = factory({ timeoutMs: 600 });
    const silent = { ...demoEast, name: 'silent', url: blackhole.url('http'), skipTLSVerify: true };
    const core = await kube.core(silent, kube.requestDeadline(silent));
    const started = Date.now();
    await expect(core.readNamespacedServiceAccount({ namespace: 'a', name: 'b' })).rejects.toThrow(TimeoutError);
    // the deadline has passed: the next call of the same request fails at once
    await expect(core.readNamespacedServiceAccount({ namespace: 'a', name: 'c' })).rejects.toThrow(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1200);
  });
});
