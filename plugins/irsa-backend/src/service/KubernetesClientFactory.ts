import type * as K8s from '@kubernetes/client-node';
import { ClusterConfig, DEFAULTS, IrsaConfig } from './config';
import { Listed } from './KubernetesReader';
import { KubernetesTokens } from './KubernetesTokens';
import { deadline } from './limits';

/**
 * `@kubernetes/client-node` 2.x is ESM-only. Types are imported statically; the
 * runtime is loaded on first use with require(), which Node 24 supports for ESM
 * and which Backstage's Jest transforms (a dynamic import() would need
 * --experimental-vm-modules under Jest).
 */
let runtime: typeof K8s | undefined;
function k8s(): typeof K8s {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runtime ??= require('@kubernetes/client-node') as typeof K8s;
  return runtime;
}

/** What bounds the backend's Kubernetes reads. */
export interface KubernetesClientSettings {
  /** irsa.timeouts.kubernetesMs */
  timeoutMs: number;
  /** irsa.kubernetes.pageSize */
  pageSize: number;
  /** irsa.kubernetes.maxItems */
  maxItems: number;
}

/** One page of a Kubernetes list, as the generated list methods return it. */
type ListPage<T> = { items: T[]; metadata?: { _continue?: string; resourceVersion?: string } };

/**
 * Kubernetes API clients per configured cluster, as the backend's own
 * (restricted) identity, authenticated as {@link KubernetesTokens} says. Every call is cut off in time, and lists are
 * read page by page up to a maximum.
 */
export class KubernetesClientFactory {
  static fromConfig(irsa: IrsaConfig, tokens?: KubernetesTokens): KubernetesClientFactory {
    return new KubernetesClientFactory(
      { timeoutMs: irsa.timeouts.kubernetesMs, ...irsa.kubernetes },
      tokens,
    );
  }

  constructor(
    readonly settings: KubernetesClientSettings = {
      timeoutMs: DEFAULTS.kubernetesMs,
      pageSize: DEFAULTS.pageSize,
      maxItems: DEFAULTS.maxItems,
    },
    private readonly tokens: KubernetesTokens = new KubernetesTokens(),
  ) {
    // Loading the client takes seconds on a busy machine; do it now, at start-up,
    // rather than inside the first request's time limit.
    k8s();
  }

  /**
   * The core API of a cluster. Each call is aborted at `signal` (a request's
   * {@link KubernetesClientFactory.requestDeadline} shared by all its reads of
   * the cluster) or, without one, after irsa.timeouts.kubernetesMs of its own.
   */
  async core(cluster: ClusterConfig, signal?: AbortSignal): Promise<K8s.CoreV1Api> {
    return this.coreOf(cluster, await this.kubeConfig(cluster), signal);
  }

  /**
   * The connection to a cluster as the backend's identity, with the token
   * {@link KubernetesTokens} holds now. Shared by the request clients and the
   * informers, which rebuild it to pick up a new token.
   */
  async kubeConfig(cluster: ClusterConfig): Promise<K8s.KubeConfig> {
    const token = await this.tokens.tokenFor(cluster);
    const kc = new (k8s().KubeConfig)();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caFile: cluster.caFile,
          caData: cluster.caData,
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [{ name: 'irsa-backend', token }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'irsa-backend' }],
      currentContext: cluster.name,
    });
    return kc;
  }

  /** The core API over `kc`; each call is aborted as {@link KubernetesClientFactory.core} says. */
  coreOf(cluster: ClusterConfig, kc: K8s.KubeConfig, signal?: AbortSignal): K8s.CoreV1Api {
    const timeout: K8s.Middleware = {
      pre: async request => {
        request.setSignal(signal ?? this.requestDeadline(cluster));
        return request;
      },
      post: async response => response,
    };
    const { createConfiguration, ServerConfiguration, CoreV1Api } = k8s();
    return new CoreV1Api(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.url, {}),
        authMethods: { default: kc },
        promiseMiddleware: [timeout],
      }),
    );
  }

  /**
   * An informer (list, then watch) of `path` over `kc`, listing with `list`.
   * The watch has no deadline: it is meant to stay open.
   */
  informer<T extends K8s.KubernetesObject>(
    kc: K8s.KubeConfig,
    path: string,
    list: K8s.ListPromise<T>,
  ): K8s.Informer<T> & K8s.ObjectCache<T> {
    return k8s().makeInformer(kc, path, list);
  }

  /** Forgets the cluster's cached token, after the API server refused it (401). */
  forgetToken(cluster: ClusterConfig): void {
    this.tokens.forget(cluster);
  }

  /** A signal that ends the reads of `cluster` after irsa.timeouts.kubernetesMs. */
  requestDeadline(cluster: ClusterConfig): AbortSignal {
    const ms = this.settings.timeoutMs;
    return deadline(
      ms,
      `Kubernetes API of cluster ${cluster.name} timed out: the reads of one request may take ${ms} ms (irsa.timeouts.kubernetesMs)`,
    );
  }

  /**
   * Reads a list page by page (`limit` + `continue`), stopping at
   * irsa.kubernetes.maxItems so that one huge namespace cannot exhaust memory.
   */
  async listAll<T>(
    page: (params: { limit: number; _continue?: string }) => Promise<ListPage<T>>,
  ): Promise<Listed<T>> {
    const { pageSize, maxItems } = this.settings;
    const items: T[] = [];
    let token: string | undefined;
    do {
      const room = maxItems - items.length;
      const result = await page({ limit: Math.min(pageSize, room), ...(token ? { _continue: token } : {}) });
      // A server may ignore `limit`: never keep more than maxItems.
      items.push(...result.items.slice(0, room));
      token = result.metadata?._continue || undefined;
      if (result.items.length > room || (items.length >= maxItems && token)) {
        return { items, truncated: true };
      }
    } while (token);
    return { items, truncated: false };
  }

  /**
   * Reads a whole list page by page, as an informer's initial list: no cap
   * (the informer holds the cluster's objects anyway), each page bounded in
   * time by the client. The list's resourceVersion is where the watch starts.
   */
  async listEvery<T>(
    page: (params: { limit: number; _continue?: string }) => Promise<ListPage<T>>,
  ): Promise<{ items: T[]; metadata: { resourceVersion?: string } }> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const result = await page({ limit: this.settings.pageSize, ...(token ? { _continue: token } : {}) });
      items.push(...result.items);
      // Every page of one list is the same snapshot, at the same resourceVersion.
      resourceVersion = result.metadata?.resourceVersion ?? resourceVersion;
      token = result.metadata?._continue || undefined;
    } while (token);
    return { items, metadata: { resourceVersion } };
  }
}

/** The HTTP status of a failed @kubernetes/client-node call, if it has one. */
export function kubernetesStatus(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
