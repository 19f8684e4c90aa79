import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { HealthStatus } from '@irsa-backstage/plugin-irsa-common';
import type { IrsaService } from '../lib';
import { ProvisionRequest, ProvisionResult } from '../types';

/**
 * {@link IrsaService} over HTTP to the `irsa` backend plugin.
 *
 * @public
 */
export class DefaultIrsaService implements IrsaService {
  private readonly auth: AuthService;
  private readonly discovery: DiscoveryService;

  constructor(options: { auth: AuthService; discovery: DiscoveryService }) {
    this.auth = options.auth;
    this.discovery = options.discovery;
  }

  async getHealth(): Promise<HealthStatus> {
    return this.request<HealthStatus>('GET', '/health');
  }

  async planProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult> {
    return this.request('POST', '/provision/plan', request, options.credentials);
  }

  async applyProvisioning(
    request: ProvisionRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ProvisionResult> {
    return this.request('POST', '/provision/apply', request, options.credentials);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    onBehalfOf?: BackstageCredentials,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('irsa');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: onBehalfOf ?? (await this.auth.getOwnServiceCredentials()),
      targetPluginId: 'irsa',
    });
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
