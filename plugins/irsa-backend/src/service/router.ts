import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { IrsaConfig } from './config';

/** @internal */
export interface RouterOptions {
  logger: LoggerService;
  config: IrsaConfig;
}

/**
 * The HTTP surface of the plugin: parse, authorize, call a service, answer.
 * Requests are validated against src/schema/openapi.yaml by the generated router.
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

  return router;
}
