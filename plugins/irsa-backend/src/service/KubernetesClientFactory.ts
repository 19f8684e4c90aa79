import fs from 'node:fs/promises';
import type * as K8s from '@kubernetes/client-node';
import { ClusterConfig } from './config';

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

/**
 * Kubernetes API clients per configured cluster, as the backend's own
 * (restricted) identity. The token file is re-read for every client so that
 * rotated tokens are picked up.
 */
export class KubernetesClientFactory {
  async core(cluster: ClusterConfig): Promise<K8s.CoreV1Api> {
    const token = cluster.serviceAccountTokenFile
      ? (await fs.readFile(cluster.serviceAccountTokenFile, 'utf8')).trim()
      : cluster.serviceAccountToken;
    const kc = new (k8s().KubeConfig)();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caFile: cluster.caFile,
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [{ name: 'irsa-backend', token }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'irsa-backend' }],
      currentContext: cluster.name,
    });
    return kc.makeApiClient(k8s().CoreV1Api);
  }
}

/** The HTTP status of a failed @kubernetes/client-node call, if it has one. */
export function kubernetesStatus(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
