import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  EntityBinding,
  EntityBindings,
  HealthStatus,
  VerifyRequest,
} from '@irsa-backstage/plugin-irsa-common';
import { DefaultIrsaService } from './service/DefaultIrsaService';

/**
 * The IRSA backend as other backend plugins and modules see it. Calls that
 * read bindings are made on behalf of the given credentials, so the IRSA
 * backend authorizes the original user, not the calling plugin.
 *
 * The methods are the routes of the backend's OpenAPI spec, with its
 * generated request and response types. Provisioning is not part of the API
 * yet, so it is not offered here.
 *
 * @public
 */
export interface IrsaService {
  /** `GET /health`: liveness and the number of configured clusters. */
  getHealth(): Promise<HealthStatus>;
  /**
   * `GET /entities/{namespace}/{kind}/{name}/bindings`: the entity's service
   * accounts, roles, verdicts and findings. Needs `irsa.binding.read` on the
   * entity for the credentials.
   */
  getEntityBindings(
    entityRef: CompoundEntityRef | string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityBindings>;
  /**
   * `POST /verify`: the trust verdict for one service account, against the
   * role its annotation names or against `roleArn`. Needs
   * `irsa.inventory.read` for the credentials.
   */
  verifyBinding(
    request: VerifyRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityBinding>;
}

/**
 * Service reference of {@link IrsaService}, with a default HTTP
 * implementation so dependants need no wiring.
 *
 * @public
 */
export const irsaServiceRef = createServiceRef<IrsaService>({
  id: 'irsa.service',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { auth: coreServices.auth, discovery: coreServices.discovery },
      factory: ({ auth, discovery }) =>
        new DefaultIrsaService({ auth, discovery }),
    }),
});
