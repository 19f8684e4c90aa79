import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { HealthStatus } from '@irsa-backstage/plugin-irsa-common';
import { DefaultIrsaService } from './service/DefaultIrsaService';
import { ProvisionRequest, ProvisionResult } from './types';

/**
 * The IRSA backend as other backend plugins and modules see it (e.g. the
 * scaffolder action). Calls are made on behalf of the given credentials, so
 * the IRSA backend authorizes the original user, not the calling plugin.
 *
 * @public
 */
export interface IrsaService {
  getHealth(): Promise<HealthStatus>;
  /** The changes a request would make; no side effects. */
  planProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult>;
  /** Makes the changes; idempotent. */
  applyProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult>;
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
