import {
  analyzeTrust,
  normalizeIssuer,
  ProvisionResult,
} from '@irsa-backstage/plugin-irsa-common';
import { INLINE_POLICY_NAME } from './ProvisionRequestValidator';
import { ProvisionPlan, ProvisioningReads } from './ProvisionPlanner';
import { ProvisioningWrites, RoleTarget } from './ProvisioningWrites';
import { ValidatedProvisionRequest } from './ProvisionRequestValidator';

/**
 * Apply failed after it had written something: says which step failed, what
 * this run undid, and what it could not (or may not) undo.
 */
export class ProvisionApplyError extends Error {
  readonly name = 'ProvisionApplyError';
  constructor(
    message: string,
    readonly failedStep: string,
    readonly undone: string[],
    readonly notUndone: string[],
    readonly cause?: unknown,
  ) {
    super(message);
  }
}

type Step = { description: string; undo?: () => Promise<void> };

function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const body = (e as { body?: unknown }).body;
    const k8sMessage =
      typeof body === 'string'
        ? (() => {
            try {
              return JSON.parse(body).message as string | undefined;
            } catch {
              return undefined;
            }
          })()
        : (body as { message?: string } | undefined)?.message;
    return k8sMessage ?? e.message;
  }
  return String(e);
}

/**
 * Executes a plan in its order (OIDC provider, role, policies, namespace,
 * service account), then reads the role back and analyses its trust. Keeps a
 * list of what this run created; when a step fails it undoes that list in
 * reverse — only what this run created, never what existed before — and
 * throws a {@link ProvisionApplyError} saying what failed and what was undone.
 */
export class ProvisionExecutor {
  constructor(
    private readonly reads: ProvisioningReads,
    private readonly writes: ProvisioningWrites,
  ) {}

  async execute(
    request: ValidatedProvisionRequest,
    plan: ProvisionPlan,
  ): Promise<ProvisionResult> {
    const { cluster, namespace, serviceAccount: name } = request;
    const changes = plan.result.changes;
    const has = (target: string, action?: string) =>
      changes.some(
        c =>
          c.target === target && (action === undefined || c.action === action),
      );
    const role: RoleTarget = {
      accountId: cluster.accountId,
      roleName: request.roleName,
    };
    const sa = { cluster, namespace, name };
    const done: Step[] = [];
    let current = '';
    const step = async (
      description: string,
      write: () => Promise<unknown>,
      undo?: () => Promise<void>,
    ) => {
      current = description;
      await write();
      done.push({ description, undo });
    };

    try {
      // 1. The OIDC provider, when planned.
      if (has('oidc-provider', 'create')) {
        let arn = plan.oidcProviderArn;
        await step(
          `create OIDC provider ${plan.oidcProviderArn}`,
          async () => {
            arn = await this.writes.createOidcProvider(
              cluster.accountId,
              `https://${normalizeIssuer(plan.issuer)}`,
              request.audience,
            );
          },
          () => this.writes.deleteOidcProvider(cluster.accountId, arn),
        );
      }

      // 2. and 3. The role and its policies.
      if (!plan.role) {
        await step(
          `create role ${request.roleArn}`,
          () =>
            this.writes.createRole(role, {
              path: request.rolePath,
              trustPolicy: plan.trustPolicy,
              permissionsBoundaryArn: request.permissionsBoundaryArn,
              tags: request.tags,
            }),
          () => this.writes.deleteRole(role),
        );
        for (const arn of request.managedPolicyArns) {
          await step(
            `attach ${arn}`,
            () => this.writes.attachPolicy(role, arn),
            () => this.writes.detachPolicy(role, arn),
          );
        }
        if (request.inlinePolicy) {
          const doc = request.inlinePolicy;
          await step(
            `put inline policy ${INLINE_POLICY_NAME}`,
            () => this.writes.putInlinePolicy(role, INLINE_POLICY_NAME, doc),
            () => this.writes.deleteInlinePolicy(role, INLINE_POLICY_NAME),
          );
        }
      } else {
        const existing = plan.role;
        const tags = existing.tags ?? {};
        const wrongTags = Object.fromEntries(
          Object.entries(request.tags).filter(([k, v]) => tags[k] !== v),
        );
        // Changes to a role that existed are not undone: its former state is not ours to restore blindly.
        if (Object.keys(wrongTags).length > 0) {
          await step(`tag role ${request.roleArn}`, () =>
            this.writes.tagRole(role, wrongTags),
          );
        }
        const boundary = request.permissionsBoundaryArn;
        if (boundary && existing.permissionsBoundaryArn !== boundary) {
          await step(`set permissions boundary ${boundary}`, () =>
            this.writes.putPermissionsBoundary(role, boundary),
          );
        }
        if (has('trust-policy', 'update')) {
          await step(`update the trust policy of ${request.roleArn}`, () =>
            this.writes.updateTrustPolicy(role, plan.trustPolicy),
          );
        }
        const attached = (existing.attachedPolicies ?? []).map(p => p.arn);
        for (const arn of request.managedPolicyArns.filter(
          a => !attached.includes(a),
        )) {
          await step(
            `attach ${arn}`,
            () => this.writes.attachPolicy(role, arn),
            () => this.writes.detachPolicy(role, arn),
          );
        }
        if (request.exclusive) {
          for (const arn of attached.filter(
            a => !request.managedPolicyArns.includes(a),
          )) {
            await step(`detach ${arn}`, () =>
              this.writes.detachPolicy(role, arn),
            );
          }
        }
        const inline = existing.inlinePolicies ?? [];
        const ours = inline.find(p => p.name === INLINE_POLICY_NAME);
        if (request.inlinePolicy && has('inline-policy', 'put')) {
          const doc = request.inlinePolicy;
          await step(
            `${ours ? 'replace' : 'put'} inline policy ${INLINE_POLICY_NAME}`,
            () => this.writes.putInlinePolicy(role, INLINE_POLICY_NAME, doc),
            ours
              ? undefined
              : () => this.writes.deleteInlinePolicy(role, INLINE_POLICY_NAME),
          );
        }
        if (request.exclusive) {
          for (const p of inline.filter(
            i => i.name !== INLINE_POLICY_NAME || !request.inlinePolicy,
          )) {
            await step(`delete inline policy ${p.name}`, () =>
              this.writes.deleteInlinePolicy(role, p.name),
            );
          }
        }
      }

      // 4. The namespace and the service account.
      if (has('namespace', 'create')) {
        await step(
          `create namespace ${namespace}`,
          () => this.writes.createNamespace(cluster, namespace),
          () => this.writes.deleteNamespace(cluster, namespace),
        );
      }
      const saRef = `${cluster.name}/${namespace}/${name}`;
      if (has('service-account', 'create')) {
        await step(
          `create service account ${saRef}`,
          () =>
            this.writes.createServiceAccount(
              sa,
              plan.serviceAccountAnnotations,
              plan.serviceAccountLabels,
            ),
          () => this.writes.deleteServiceAccount(sa),
        );
      } else if (has('service-account', 'annotate')) {
        await step(`annotate service account ${saRef}`, () =>
          this.writes.patchServiceAccount(
            sa,
            plan.serviceAccountAnnotations,
            plan.serviceAccountLabels,
          ),
        );
      }

      // 5. Verify against the role as it now is.
      current = `verify the trust of ${request.roleArn}`;
      const [trustPolicy, providers] = await Promise.all([
        this.reads.trustPolicy({
          arn: request.roleArn,
          accountId: cluster.accountId,
          roleName: request.roleName,
        }),
        this.reads.oidcProviders(cluster.accountId, plan.issuer),
      ]);
      if (trustPolicy === undefined) {
        throw new Error(`Role ${request.roleArn} cannot be read back`);
      }
      const verdict = analyzeTrust({
        trustPolicy,
        roleArn: request.roleArn,
        serviceAccount: { namespace, name, audience: request.audience },
        oidcIssuer: plan.issuer,
        oidcProviders: providers,
        explain: false,
      });
      return { ...plan.result, verdict };
    } catch (e) {
      if (done.length === 0) throw e;
      const undone: string[] = [];
      const notUndone: string[] = [];
      for (const s of [...done].reverse()) {
        if (!s.undo) {
          notUndone.push(`${s.description} (it changed what existed before)`);
          continue;
        }
        try {
          await s.undo();
          undone.push(s.description);
        } catch (u) {
          notUndone.push(`${s.description} (undo failed: ${errorMessage(u)})`);
        }
      }
      throw new ProvisionApplyError(
        `Provisioning failed at "${current}": ${errorMessage(
          e,
        )}. Undone, in reverse: ${
          undone.length ? undone.join('; ') : 'nothing'
        }${notUndone.length ? `. Not undone: ${notUndone.join('; ')}` : ''}`,
        current,
        undone,
        notUndone,
        e,
      );
    }
  }
}
