import { execFileSync } from 'node:child_process';

/**
 * The kube-apiserver's own request counters (`apiserver_request_total`) for
 * the given resources, summed by `<VERB> <resource>` (e.g. `LIST pods`), read
 * as the sandbox's admin. Diffed before and after an operation, they count
 * what any client asked of the API server without touching its code.
 */
export function kubeRequestCounts(
  kubeconfig: string,
  resources: ReadonlySet<string>,
): Record<string, number> {
  const text = execFileSync(
    'kubectl',
    ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    if (!resources.has(resource)) continue;
    const key = `${/verb="([^"]*)"/.exec(line)?.[1]} ${resource}`;
    counts[key] = (counts[key] ?? 0) + Number(line.split(' ').pop());
  }
  return counts;
}
