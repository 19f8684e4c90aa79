import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  AuditEventPage,
  EntityBinding,
  EntityBindings,
  HealthStatus,
  InventoryPage,
  ListInventoryBindings,
  ProvisionRequest,
  ProvisionResult,
  SimulateRequest,
  SimulationResult,
  VerifyRequest,
} from '@irsa-backstage/plugin-irsa-common';
import { DefaultIrsaService } from './service/DefaultIrsaService';

/**
 * The IRSA backend as other backend plugins and modules see it. Calls that
 * read bindings are made on behalf of the given credentials, so the IRSA
 * backend authorizes the original user, not the calling plugin.
 *
 * The methods are the routes of the backend's OpenAPI spec, with its
 * generated request and response types. Errors are `ResponseError`s carrying
 * the backend's status and message (400 names the field, 403, 404, 409).
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
  /**
   * `POST /simulate`: may the binding's role perform `action` on `resource`?
   * The decision, its reason and the deciding statements, for the role the
   * service account's annotation names (or `roleArn`). Needs a user's
   * credentials with `irsa.inventory.read`, or `irsa.binding.read` on
   * `entityRef` when the binding is one of that entity's.
   */
  simulatePermission(
    request: SimulateRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<SimulationResult>;
  /**
   * `POST /provision/plan`: the changes provisioning would make, read from
   * IAM and Kubernetes; writes nothing. Needs `irsa.binding.create` on the
   * entity for the credentials, which must be a user's.
   */
  planProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult>;
  /**
   * `POST /provision/apply`: makes the planned changes (undoing what the run
   * created when a step fails) and verifies the result; repeating it changes
   * nothing. Needs `irsa.binding.create` on the entity for the credentials,
   * which must be a user's.
   */
  applyProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult>;
  /**
   * `GET /audit`: provisioning runs, newest first; every run for holders of
   * `irsa.inventory.read`, the runs for their own entities for owners.
   */
  listAuditEvents(
    query: { entityRef?: string; limit?: number; cursor?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<AuditEventPage>;
  /**
   * `GET /bindings`: one page of the estate-wide inventory, with
   * `nextCursor` when there is more. Every binding for holders of
   * `irsa.inventory.read` (and for plugins' own service credentials, which
   * Backstage's permissions service allows); a user without it sees the
   * bindings they or their groups own.
   */
  listInventoryBindings(
    query: ListInventoryBindings['query'],
    options: { credentials: BackstageCredentials },
  ): Promise<InventoryPage>;
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
