import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  IrsaBackendClient,
  type AuditEventPage,
  type EntityBinding,
  type EntityBindings,
  type HealthStatus,
  type InventoryPage,
  type ListInventoryBindings,
  type ProvisionRequest,
  type ProvisionResult,
  type SimulateRequest,
  type SimulationResult,
  type TypedResponse,
  type VerifyRequest,
} from '@irsa-backstage/plugin-irsa-common';
import type { IrsaService } from '../lib';

/**
 * {@link IrsaService} over HTTP to the `irsa` backend plugin, with the client
 * generated from the backend's OpenAPI spec.
 *
 * @public
 */
export class DefaultIrsaService implements IrsaService {
  private readonly auth: AuthService;
  private readonly client: IrsaBackendClient;

  constructor(options: { auth: AuthService; discovery: DiscoveryService }) {
    this.auth = options.auth;
    this.client = new IrsaBackendClient({
      discoveryApi: options.discovery,
      fetchApi: { fetch },
    });
  }

  async getHealth(): Promise<HealthStatus> {
    // The one route that needs no credentials.
    return body(await this.client.getHealth({}));
  }

  async getEntityBindings(
    entityRef: CompoundEntityRef | string,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityBindings> {
    const { namespace, kind, name } =
      typeof entityRef === 'string'
        ? parseEntityRef(entityRef, { defaultNamespace: 'default' })
        : entityRef;
    return body(
      await this.client.getEntityBindings(
        { path: { namespace, kind, name } },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  async verifyBinding(
    request: VerifyRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityBinding> {
    return body(
      await this.client.verifyBinding(
        { body: request },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  async simulatePermission(
    request: SimulateRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<SimulationResult> {
    return body(
      await this.client.simulatePermission(
        { body: request },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  async planProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult> {
    return body(
      await this.client.planProvisioning(
        { body: request },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  async applyProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult> {
    return body(
      await this.client.applyProvisioning(
        { body: request },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  async listAuditEvents(
    query: { entityRef?: string; limit?: number; cursor?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<AuditEventPage> {
    return body(
      await this.client.listAuditEvents(
        { query },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  async listInventoryBindings(
    query: ListInventoryBindings['query'],
    options: { credentials: BackstageCredentials },
  ): Promise<InventoryPage> {
    return body(
      await this.client.listInventoryBindings(
        { query },
        { token: await this.tokenFor(options.credentials) },
      ),
    );
  }

  private async tokenFor(onBehalfOf: BackstageCredentials): Promise<string> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf,
      targetPluginId: 'irsa',
    });
    return token;
  }
}

/** The typed body of a successful response; a `ResponseError` otherwise. */
async function body<T>(res: TypedResponse<T>): Promise<T> {
  if (!res.ok) {
    throw await ResponseError.fromResponse(res);
  }
  return res.json();
}
