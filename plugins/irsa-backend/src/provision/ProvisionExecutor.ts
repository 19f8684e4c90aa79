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
 * What one run wrote, in order, with how to undo each write that created
 * something; undoes them in reverse when a later write fails.
 */
class UndoLog {
  private readonly done: Step[] = [];
  private current = '';

  /** Runs a write; `undo` only for writes that created what did not exist. */
  async step(
    description: string,
    write: () => Promise<unknown>,
    undo?: () => Promise<void>,
  ): Promise<void> {
    this.current = description;
    await write();
    this.done.push({ description, undo });
  }

  /** Undoes what this run created, newest first, and throws what happened. */
  async rollback(error: unknown): Promise<never> {
    if (this.done.length === 0) throw error;
    const undone: string[] = [];
    const notUndone: string[] = [];
    for (const s of [...this.done].reverse()) {
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
      `Provisioning failed at "${this.current}": ${errorMessage(
        error,
      )}. Undone, in reverse: ${undone.length ? undone.join('; ') : 'nothing'}${
        notUndone.length ? `. Not undone: ${notUndone.join('; ')}` : ''
      }`,
      this.current,
      undone,
      notUndone,
      error,
    );
  }
}

type Run = {
  request: ValidatedProvisionRequest;
  plan: ProvisionPlan;
  role: RoleTarget;
  log: UndoLog;
  has: (target: string, action?: string) => boolean;
};

/**
 * Executes a plan in its order (OIDC provider, role, policies, namespace,
 * service account), then reads the role back and analyses its trust. Keeps a
 * list of what this run created; when a write fails it undoes that list in
 * reverse — only what this run created, never what existed before — and
 * throws a {@link ProvisionApplyError} saying what failed and what was undone.
 * The service account is the last write, so no undo ever has to delete one
 * that a later step refused; a failed verification undoes nothing (every
 * write succeeded) and says so.
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
    const changes = plan.result.changes;
    const run: Run = {
      request,
      plan,
      role: {
        accountId: request.cluster.accountId,
        roleName: request.roleName,
      },
      log: new UndoLog(),
      has: (target, action) =>
        changes.some(
          c =>
            c.target === target &&
            (action === undefined || c.action === action),
        ),
    };
    try {
      await this.writeOidcProvider(run);
      await (plan.role ? this.updateRole(run) : this.createRole(run));
      await this.writeKubernetes(run);
    } catch (e) {
      return run.log.rollback(e);
    }
    return this.verify(run);
  }

  private async writeOidcProvider({ request, plan, log, has }: Run) {
    if (!has('oidc-provider', 'create')) return;
    const { accountId } = request.cluster;
    let arn = plan.oidcProviderArn;
    await log.step(
      `create OIDC provider ${plan.oidcProviderArn}`,
      async () => {
        arn = await this.writes.createOidcProvider(
          accountId,
          `https://${normalizeIssuer(plan.issuer)}`,
          request.audience,
        );
      },
      () => this.writes.deleteOidcProvider(accountId, arn),
    );
  }

  private async createRole({ request, plan, role, log }: Run) {
    await log.step(
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
      await this.attach(log, role, arn);
    }
    if (request.inlinePolicy) {
      const doc = request.inlinePolicy;
      await log.step(
        `put inline policy ${INLINE_POLICY_NAME}`,
        () => this.writes.putInlinePolicy(role, INLINE_POLICY_NAME, doc),
        () => this.writes.deleteInlinePolicy(role, INLINE_POLICY_NAME),
      );
    }
  }

  private attach(log: UndoLog, role: RoleTarget, arn: string) {
    return log.step(
      `attach ${arn}`,
      () => this.writes.attachPolicy(role, arn),
      () => this.writes.detachPolicy(role, arn),
    );
  }

  /** Changes to a role that existed are not undone: its former state is not ours to restore blindly. */
  private async updateRole(run: Run) {
    const { request, plan, role, log, has } = run;
    const existing = plan.role!;
    const tags = existing.tags ?? {};
    const wrongTags = Object.fromEntries(
      Object.entries(request.tags).filter(([k, v]) => tags[k] !== v),
    );
    if (Object.keys(wrongTags).length > 0) {
      await log.step(`tag role ${request.roleArn}`, () =>
        this.writes.tagRole(role, wrongTags),
      );
    }
    const boundary = request.permissionsBoundaryArn;
    if (boundary && existing.permissionsBoundaryArn !== boundary) {
      await log.step(`set permissions boundary ${boundary}`, () =>
        this.writes.putPermissionsBoundary(role, boundary),
      );
    }
    if (has('trust-policy', 'update')) {
      await log.step(`update the trust policy of ${request.roleArn}`, () =>
        this.writes.updateTrustPolicy(role, plan.trustPolicy),
      );
    }
    await this.updateManagedPolicies(run);
    await this.updateInlinePolicies(run);
  }

  private async updateManagedPolicies({ request, plan, role, log }: Run) {
    const attached = (plan.role!.attachedPolicies ?? []).map(p => p.arn);
    for (const arn of request.managedPolicyArns.filter(
      a => !attached.includes(a),
    )) {
      await this.attach(log, role, arn);
    }
    if (!request.exclusive) return;
    for (const arn of attached.filter(
      a => !request.managedPolicyArns.includes(a),
    )) {
      await log.step(`detach ${arn}`, () =>
        this.writes.detachPolicy(role, arn),
      );
    }
  }

  private async updateInlinePolicies({ request, plan, role, log, has }: Run) {
    const inline = plan.role!.inlinePolicies ?? [];
    const ours = inline.find(p => p.name === INLINE_POLICY_NAME);
    if (request.inlinePolicy && has('inline-policy', 'put')) {
      const doc = request.inlinePolicy;
      await log.step(
        `${ours ? 'replace' : 'put'} inline policy ${INLINE_POLICY_NAME}`,
        () => this.writes.putInlinePolicy(role, INLINE_POLICY_NAME, doc),
        ours
          ? undefined
          : () => this.writes.deleteInlinePolicy(role, INLINE_POLICY_NAME),
      );
    }
    if (!request.exclusive) return;
    for (const p of inline.filter(
      i => i.name !== INLINE_POLICY_NAME || !request.inlinePolicy,
    )) {
      await log.step(`delete inline policy ${p.name}`, () =>
        this.writes.deleteInlinePolicy(role, p.name),
      );
    }
  }

  /** The namespace (when asked for), then the service account: the last write. */
  private async writeKubernetes({ request, plan, log, has }: Run) {
    const { cluster, namespace, serviceAccount: name } = request;
    if (has('namespace', 'create')) {
      await log.step(
        `create namespace ${namespace}`,
        () => this.writes.createNamespace(cluster, namespace),
        () => this.writes.deleteNamespace(cluster, namespace),
      );
    }
    const sa = { cluster, namespace, name };
    const saRef = `${cluster.name}/${namespace}/${name}`;
    if (has('service-account', 'create')) {
      await log.step(`create service account ${saRef}`, () =>
        this.writes.createServiceAccount(
          sa,
          plan.serviceAccountAnnotations,
          plan.serviceAccountLabels,
        ),
      );
    } else if (has('service-account', 'annotate')) {
      await log.step(`annotate service account ${saRef}`, () =>
        this.writes.patchServiceAccount(
          sa,
          plan.serviceAccountAnnotations,
          plan.serviceAccountLabels,
        ),
      );
    }
  }

  /** Reads the role back and analyses its trust as IAM now has it. */
  private async verify({ request, plan }: Run): Promise<ProvisionResult> {
    const { cluster, namespace, serviceAccount: name } = request;
    try {
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
      throw new ProvisionApplyError(
        `Provisioned (${plan.result.changes
          .map(c => c.detail)
          .join('; ')}), but verifying the trust of ${
          request.roleArn
        } failed: ${errorMessage(
          e,
        )}. Nothing was undone: every change was made; apply the same request again to verify.`,
        `verify the trust of ${request.roleArn}`,
        [],
        [],
        e,
      );
    }
  }
}
