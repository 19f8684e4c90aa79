import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Settings } from './settings';

/**
 * What a sandbox test creates and must remove: namespaces in the
 * kube-apiserver (made through kubectl as the sandbox's admin) and IAM roles
 * in moto. `cleanup()` removes them all.
 */
export interface SandboxScratch {
  /** moto's IAM, with the sandbox's keys. */
  iam: IAMClient;
  /** kubectl as the sandbox's cluster admin; returns stdout. */
  kubectl(args: string[], input?: string): string;
  /** A new namespace `<prefix>-<run>-<suffix>`, removed by cleanup. */
  namespace(suffix: string): string;
  /** A service account as JSON, read back as the admin. */
  readServiceAccount(namespace: string, name: string): any;
  roleExists(name: string): Promise<boolean>;
  /** Remembers a role (by name or ARN) for cleanup. */
  trackRole(nameOrArn: string): void;
  /** Remembers a service account made in a namespace the test did not create, for cleanup. */
  trackServiceAccount(namespace: string, name: string): void;
  cleanup(): Promise<void>;
}

export function roleNameOf(nameOrArn: string): string {
  return nameOrArn.split('/').pop()!;
}

export function createSandboxScratch(
  s: Settings,
  prefix: string,
): SandboxScratch {
  const run = randomBytes(3).toString('hex');
  const namespaces: string[] = [];
  const roles = new Set<string>();
  const serviceAccounts: Array<[string, string]> = [];
  const iam = new IAMClient({
    endpoint: s.AWS_ENDPOINT_URL,
    region: 'us-east-1',
    credentials: {
      accessKeyId: s.AWS_ACCESS_KEY_ID,
      secretAccessKey: s.AWS_SECRET_ACCESS_KEY,
    },
  });
  const kubectl = (args: string[], input?: string) =>
    execFileSync(
      'kubectl',
      ['--kubeconfig', s.IRSA_SANDBOX_KUBECONFIG, ...args],
      {
        encoding: 'utf8',
        input,
        // kubectl's complaints belong in the thrown error, not in the test log.
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
  const roleExists = async (name: string) => {
    try {
      await iam.send(new GetRoleCommand({ RoleName: name }));
      return true;
    } catch (e) {
      if (e instanceof NoSuchEntityException) return false;
      throw e;
    }
  };
  return {
    iam,
    kubectl,
    namespace(suffix) {
      const name = `${prefix}-${run}-${suffix}`;
      kubectl(['create', 'namespace', name]);
      namespaces.push(name);
      return name;
    },
    readServiceAccount: (ns, name) =>
      JSON.parse(
        kubectl(['get', 'serviceaccount', '-n', ns, name, '-o', 'json']),
      ),
    roleExists,
    trackRole: nameOrArn => roles.add(roleNameOf(nameOrArn)),
    trackServiceAccount: (ns, name) => serviceAccounts.push([ns, name]),
    async cleanup() {
      for (const [ns, name] of serviceAccounts) {
        kubectl([
          'delete',
          'serviceaccount',
          '-n',
          ns,
          name,
          '--ignore-not-found',
        ]);
      }
      for (const name of roles) {
        if (await roleExists(name)) await deleteRole(iam, name);
      }
      for (const ns of namespaces) removeNamespace(kubectl, ns);
    },
  };
}

async function deleteRole(iam: IAMClient, name: string) {
  const attached = await iam.send(
    new ListAttachedRolePoliciesCommand({ RoleName: name }),
  );
  for (const p of attached.AttachedPolicies ?? []) {
    await iam.send(
      new DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }),
    );
  }
  const inline = await iam.send(
    new ListRolePoliciesCommand({ RoleName: name }),
  );
  for (const p of inline.PolicyNames ?? []) {
    await iam.send(
      new DeleteRolePolicyCommand({ RoleName: name, PolicyName: p }),
    );
  }
  await iam.send(new DeleteRoleCommand({ RoleName: name }));
}

/**
 * The sandbox runs no controller manager, so a deleted namespace would stay
 * Terminating: empty it, delete it, and finalize it by hand.
 */
function removeNamespace(kubectl: SandboxScratch['kubectl'], ns: string) {
  kubectl(['delete', 'serviceaccounts,resourcequotas', '--all', '-n', ns]);
  kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  const current = JSON.parse(kubectl(['get', 'namespace', ns, '-o', 'json']));
  current.spec.finalizers = [];
  kubectl(
    ['replace', '--raw', `/api/v1/namespaces/${ns}/finalize`, '-f', '-'],
    JSON.stringify(current),
  );
}
