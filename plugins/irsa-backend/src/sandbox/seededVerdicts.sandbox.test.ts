/*
 * The analysis engine (irsa-common), through the backend's discovery, over the real seeded
 * estate: roles, policies and OIDC providers as moto returns them (URL-encoded and plain JSON
 * documents alike), service accounts and pods as the kube-apiserver returns them to the
 * backend's restricted identity. Each demo component must get the verdict and findings its
 * row in the README promises.
 *
 * Needs a running, seeded sandbox (sandbox/sandbox start && sandbox/sandbox seed).
 */
import { ConfigReader } from '@backstage/config';
import { decodePolicyText } from '@irsa-backstage/plugin-irsa-common';
import { loadSettings, sandboxAppConfig, Settings } from '../__testUtils__/sandboxSettings';
import { realServices } from '../__testUtils__/services';
import { BindingDiscovery } from '../service/BindingDiscovery';
import { ClusterConfig } from '../service/config';
import { validateAgainstSpec } from '../schema/__testUtils__/validateAgainstSpec';

type Analysis = {
  roleExists: boolean;
  allowed?: boolean;
  codes: string[];
  suggestedTrustPolicy?: unknown;
};

describe('analysis of the seeded demo estate', () => {
  let s: Settings;
  let discovery: BindingDiscovery;
  let demoEast: ClusterConfig;

  beforeAll(() => {
    s = loadSettings();
    const services = realServices(new ConfigReader(sandboxAppConfig(s)));
    demoEast = services.irsa.clusters[0];
    discovery = services.discovery;
  });

  /** The product's path for one service account of demo-east: discovery's verdict. */
  async function analyze(namespace: string, name: string): Promise<Analysis> {
    const binding = await discovery.verify({ cluster: demoEast, namespace, serviceAccount: name });
    expect(binding.error).toBeUndefined();
    // What POST /verify would send is what the OpenAPI spec describes.
    expect(validateAgainstSpec('EntityBinding', binding)).toEqual([]);
    if (!binding.role) {
      return { roleExists: false, codes: binding.findings.map(f => f.code) };
    }
    // GetRole answers URL-encoded JSON, as real IAM does
    expect(binding.role.trustPolicy).toMatch(/^%7B/);
    return {
      roleExists: true,
      allowed: binding.verdict?.allowed,
      codes: [...new Set(binding.findings.map(f => f.code))].sort(),
      suggestedTrustPolicy: binding.verdict?.suggestedTrustPolicy,
    };
  }

  it('payments-api: healthy, read-only S3, webhook-injected pod', async () => {
    const a = await analyze('payments', 'payments-api');
    expect(a).toMatchObject({ roleExists: true, allowed: true });
    expect(a.codes).toEqual([]);
  });

  it('orders-worker: namespace typo in sub denies, with a copyable fix; pod not injected', async () => {
    const a = await analyze('orders', 'orders-worker');
    expect(a.allowed).toBe(false);
    expect(a.codes).toEqual(expect.arrayContaining(['TRUST_SUB_MISMATCH', 'POD_NOT_INJECTED']));
    const host = s.IRSA_SANDBOX_DEMO_EAST_ISSUER.replace('https://', '');
    expect(JSON.stringify(a.suggestedTrustPolicy)).toContain(
      `"${host}:sub":"system:serviceaccount:orders:orders-worker"`,
    );
  });

  it("kaniko: KubeRocketCI's cluster-wide sub is allowed but critical; ecr:* flagged", async () => {
    const a = await analyze('ci', 'kaniko');
    expect(a.allowed).toBe(true);
    expect(a.codes).toEqual(expect.arrayContaining(['TRUST_SUB_WILDCARD_CLUSTER', 'PERM_SERVICE_WILDCARD']));
  });

  it('reports-job: sub without aud is allowed, aud unrestricted', async () => {
    const a = await analyze('reports', 'reports-job');
    expect(a.allowed).toBe(true);
    expect(a.codes).toContain('TRUST_AUD_UNRESTRICTED');
    expect(a.codes).not.toContain('TRUST_SUB_UNRESTRICTED');
  });

  it("inventory-sync: trusts demo-west's issuer, so demo-east's pods are refused", async () => {
    const a = await analyze('inventory', 'inventory-sync');
    expect(a.allowed).toBe(false);
    expect(a.codes).toContain('TRUST_ISSUER_MISMATCH');
  });

  it('admin-console: correct trust, admin policy, pod with a stale role', async () => {
    const a = await analyze('ops', 'admin-console');
    expect(a.allowed).toBe(true);
    expect(a.codes).toEqual(expect.arrayContaining(['PERM_ADMIN', 'POD_ROLE_STALE']));
    expect(a.codes.filter(c => c.startsWith('TRUST_'))).toEqual([]);
  });

  it('legacy-batch: the annotated role does not exist', async () => {
    const a = await analyze('batch', 'legacy-batch');
    expect(a).toEqual({ roleExists: false, codes: ['SA_ROLE_NOT_FOUND'] });
  });

  it('billing-exporter: a misspelt annotation key binds no role, so its pods get no web identity', async () => {
    const a = await analyze('billing', 'billing-exporter');
    expect(a).toEqual({ roleExists: false, codes: ['SA_ANNOTATION_KEY_TYPO'] });
  });

  it('reads moto documents in both encodings the same way', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const plain = JSON.stringify(doc);
    expect(decodePolicyText(plain)).toEqual(decodePolicyText(encodeURIComponent(plain)));
  });
});
