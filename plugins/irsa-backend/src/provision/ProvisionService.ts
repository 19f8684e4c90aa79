import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  irsaBindingCreatePermission,
  ProvisionRequest,
  ProvisionResult,
} from '@irsa-backstage/plugin-irsa-common';
import { randomUUID } from 'node:crypto';
import { IrsaStore } from '../database/IrsaStore';
import { KUBERNETES_NAMESPACE_ANNOTATION } from '../service/entityLinks';
import { ProvisionExecutor } from './ProvisionExecutor';
import { ProvisionPlan, ProvisionPlanner } from './ProvisionPlanner';
import {
  ProvisionRequestValidator,
  ValidatedProvisionRequest,
} from './ProvisionRequestValidator';

/**
 * Provisioning in its order: validate everything (400, nothing read), authorize
 * irsa.binding.create on the entity (403), find the entity (404), check the
 * namespace it declares (403), then plan from the current state.
 */
export class ProvisionService {
  constructor(
    private readonly validator: ProvisionRequestValidator,
    private readonly planner: ProvisionPlanner,
    private readonly permissions: PermissionsService,
    private readonly catalog: CatalogService,
    private readonly apply_?: {
      executor: ProvisionExecutor;
      store: Pick<IrsaStore, 'claimServiceAccount' | 'releaseServiceAccount'>;
      /** How long to wait for another run's claim before answering 409. */
      claimWaitMs?: number;
      /** A claim older than this is a dead run's and is taken over. */
      staleClaimMs?: number;
    },
  ) {}

  async plan(
    body: ProvisionRequest,
    credentials: BackstageCredentials,
  ): Promise<{
    request: ValidatedProvisionRequest;
    entity: Entity;
    plan: ProvisionPlan;
  }> {
    const { request, entity } = await this.check(body, credentials);
    return { request, entity, plan: await this.planner.plan(request, entity) };
  }

  /**
   * The checks of {@link plan}, then, holding the database claim of the
   * service account (one run per service account across replicas), a fresh
   * plan executed in order; a run that finds the claim taken waits briefly,
   * then re-plans (usually finding nothing to do) or answers 409.
   */
  async apply(
    body: ProvisionRequest,
    credentials: BackstageCredentials,
  ): Promise<{ request: ValidatedProvisionRequest; result: ProvisionResult }> {
    if (!this.apply_) {
      throw new Error('Provisioning apply is not configured');
    }
    const { executor, store } = this.apply_;
    const waitMs = this.apply_.claimWaitMs ?? 10_000;
    const staleMs = this.apply_.staleClaimMs ?? 5 * 60_000;
    const { request, entity } = await this.check(body, credentials);
    const ref = {
      cluster: request.cluster.name,
      namespace: request.namespace,
      serviceAccount: request.serviceAccount,
    };
    const holder = randomUUID();
    const until = Date.now() + waitMs;
    let pause = 100;
    while (!(await store.claimServiceAccount(ref, holder, staleMs))) {
      if (Date.now() >= until) {
        throw new ConflictError(
          `Provisioning of ${ref.cluster}/${ref.namespace}/${ref.serviceAccount} is in progress in another run; try again`,
        );
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 1000);
    }
    try {
      const plan = await this.planner.plan(request, entity);
      if (plan.result.changes.length === 0) {
        return { request, result: plan.result };
      }
      return { request, result: await executor.execute(request, plan) };
    } finally {
      await store.releaseServiceAccount(ref, holder);
    }
  }

  private async check(
    body: ProvisionRequest,
    credentials: BackstageCredentials,
  ): Promise<{ request: ValidatedProvisionRequest; entity: Entity }> {
    const request = this.validator.validate(body);
    const [decision] = await this.permissions.authorize(
      [
        {
          permission: irsaBindingCreatePermission,
          resourceRef: request.entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not provision IAM roles for ${request.entityRef}`,
      );
    }
    const entity = await this.catalog.getEntityByRef(request.entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${request.entityRef} in the catalog`);
    }
    const declared =
      entity.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION];
    if (declared !== undefined && declared !== request.namespace) {
      throw new NotAllowedError(
        `namespace: ${request.entityRef} declares ${KUBERNETES_NAMESPACE_ANNOTATION}: ${declared}; it may not provision in namespace ${request.namespace}`,
      );
    }
    return { request, entity };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
