import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { ClusterService } from './ClusterService';
import { IrsaConfig } from './config';

/** @internal */
export interface RouterOptions {
  logger: LoggerService;
  config: IrsaConfig;
  clusters: ClusterService;
}

/**
 * The HTTP surface of the plugin: parse, authorize, call a service, answer.
 * Requests are validated against src/schema/openapi.yaml by the generated router;
 * every route but /health needs a Backstage token (the default auth policy).
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = await createOpenApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', clusters: options.config.clusters.length });
  });

  router.get('/clusters', async (_req, res) => {
    res.json({ items: await options.clusters.listClusters() });
  });

  return router;
}
