/*
 * Test helper: the running sandbox's settings (sandbox/sandbox env), for tests that talk to
 * the real moto server and kube-apiserver. Throws "sandbox not running" when it is not.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

export const REPO_ROOT = resolvePackagePath(
  '@irsa-backstage/sandbox-test-utils',
  '../..',
);
const SANDBOX = path.join(REPO_ROOT, 'sandbox', 'sandbox');
export const NOT_RUNNING = 'sandbox not running: run sandbox/sandbox start';

const SETTINGS = [
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'IRSA_SANDBOX_KUBECONFIG',
  'IRSA_SANDBOX_BACKEND_TOKEN_FILE',
  'IRSA_SANDBOX_K8S_URL',
  'IRSA_SANDBOX_K8S_CA_FILE',
  'IRSA_SANDBOX_DEMO_EAST_ISSUER',
  'IRSA_SANDBOX_DEMO_WEST_ISSUER',
] as const;
export type Settings = Record<(typeof SETTINGS)[number], string>;

function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2];
    if (value.startsWith("'") && value.endsWith("'"))
      value = value.slice(1, -1);
    out[m[1]] = value.replace(/\\(.)/g, '$1');
  }
  return out;
}

/** The sandbox settings from the environment, or from `sandbox/sandbox env`. */
export function loadSettings(): Settings {
  let source: Record<string, string | undefined> = process.env;
  if (!SETTINGS.every(k => process.env[k])) {
    let text: string;
    try {
      text = execFileSync(SANDBOX, ['env'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? e).trim();
      throw new Error(
        stderr.includes(NOT_RUNNING)
          ? NOT_RUNNING
          : `${NOT_RUNNING} (${SANDBOX} env: ${stderr})`,
      );
    }
    source = parseExports(text);
  }
  const missing = SETTINGS.filter(k => !source[k]);
  if (missing.length) {
    throw new Error(`${NOT_RUNNING} (missing settings: ${missing.join(', ')})`);
  }
  return Object.fromEntries(SETTINGS.map(k => [k, source[k]!])) as Settings;
}

/** moto's account, where the sandbox seeds everything. */
export const SANDBOX_ACCOUNT_ID = '123456789012';

/** The app-config of `irsa.clusters` entry for the sandbox's kube-apiserver. */
export function sandboxDemoEastCluster(s: Settings) {
  return {
    name: 'demo-east',
    accountId: SANDBOX_ACCOUNT_ID,
    region: 'us-east-1',
    url: s.IRSA_SANDBOX_K8S_URL,
    caFile: s.IRSA_SANDBOX_K8S_CA_FILE,
    serviceAccountTokenFile: s.IRSA_SANDBOX_BACKEND_TOKEN_FILE,
  };
}

/**
 * App-config data pointing the plugin at the sandbox, as app-config.yaml does:
 * moto's account listed under `aws.accounts` (so integration-aws-node never asks
 * real STS who the keys belong to), moto as the AWS endpoint, and `clusters`
 * (default: demo-east).
 */
export function sandboxAppConfig(
  s: Settings,
  clusters: object[] = [sandboxDemoEastCluster(s)],
) {
  return {
    aws: {
      accounts: [
        {
          accountId: SANDBOX_ACCOUNT_ID,
          accessKeyId: s.AWS_ACCESS_KEY_ID,
          secretAccessKey: s.AWS_SECRET_ACCESS_KEY,
        },
      ],
    },
    irsa: {
      aws: { endpoint: s.AWS_ENDPOINT_URL, region: 'us-east-1' },
      clusters,
    },
  };
}
