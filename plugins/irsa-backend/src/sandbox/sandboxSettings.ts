/*
 * Test helper: the running sandbox's settings (sandbox/sandbox env), for tests that talk to
 * the real moto server and kube-apiserver. Throws "sandbox not running" when it is not.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

export const REPO_ROOT = resolvePackagePath('@irsa-backstage/plugin-irsa-backend', '../..');
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

