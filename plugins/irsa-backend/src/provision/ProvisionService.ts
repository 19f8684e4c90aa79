import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  irsaBindingCreatePermission,
  ProvisionRequest,
} from '@irsa-backstage/plugin-irsa-common';
import { KUBERNETES_NAMESPACE_ANNOTATION } from '../service/entityLinks';
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
  ) {}

  async plan(
    body: ProvisionRequest,
    credentials: BackstageCredentials,
  ): Promise<{
    request: ValidatedProvisionRequest;
    entity: Entity;
    plan: ProvisionPlan;
  }> {
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
    return { request, entity, plan: await this.planner.plan(request, entity) };
  }
}
