import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  irsaBindingReadPermission,
  irsaInventoryReadPermission,
  validateNamespaceName,
  validateRoleArn,
  validateServiceAccountName,
} from '@irsa-backstage/plugin-irsa-common';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { AuditTrail, ProvisionTarget } from '../audit/AuditTrail';
import { InventoryService } from '../inventory/InventoryService';
import { ProvisionService } from '../provision/ProvisionService';
import { ReviewService } from '../review/ReviewService';
import { BindingDiscovery } from './BindingDiscovery';
import { ClusterService } from './ClusterService';
import { EntityAccess } from './EntityAccess';
import { EntityViews } from './EntityViews';
import { IrsaConfig } from './config';
import {
  PermissionSimulation,
  readEntityRef,
  readSimulateRequest,
} from './PermissionSimulation';

/** @internal */
export interface RouterOptions {
  logger: LoggerService;
  config: IrsaConfig;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  clusters: ClusterService;
  discovery: BindingDiscovery;
  entityViews: EntityViews;
  entityAccess: EntityAccess;
  simulation: PermissionSimulation;
  provisioning: ProvisionService;
  audit: AuditTrail;
  inventory: InventoryService;
  reviews: ReviewService;
}

/**
 * The HTTP surface of the plugin: parse, authorize, call a service, answer.
 * Requests are validated against src/schema/openapi.yaml by the generated router;
 * every route but /health needs a Backstage token (the default auth policy),
 * /clusters a user's.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, logger } = options;
  const router = await createOpenApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', clusters: options.config.clusters.length });
  });

  // Accounts, issuers and their health are for people looking at the portal,
  // not for other backends: the default auth policy would let a service in.
  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await options.clusters.listClusters() });
  });

  router.get('/entities/:namespace/:kind/:name/bindings', async (req, res) => {
    const entityRef = stringifyEntityRef({
      kind: req.params.kind,
      namespace: req.params.namespace,
      name: req.params.name,
    });
    const auditorEvent = await auditor.createEvent({
      eventId: 'entity-bindings-fetch',
      request: req,
      meta: { entityRef },
    });
    try {
      const credentials = await httpAuth.credentials(req);
      // Checked once per caller and entity within the reuse window (EntityAccess).
      const entity = await options.entityAccess.readableEntity(
        entityRef,
        credentials,
      );
      // Built once per unchanged view (EntityViews), not per request.
      const view = await options.entityViews.view(entity);
      if (view.body) await view.body.send(req, res);
      else res.json(view.bindings);
      auditorEvent
        .success()
        .catch(e => logger.error(`Failed to emit audit event: ${e}`));
    } catch (e) {
      await auditorEvent.fail({ error: e as Error });
      throw e;
    }
  });

  router.post('/verify', async (req, res) => {
    // Authorize before validating: the validation names the configured
    // clusters, which a refused caller must not learn.
    const credentials = await httpAuth.credentials(req);
    // Any service account of any cluster: an estate-wide read, not one entity's.
    const [decision] = await permissions.authorize(
      [{ permission: irsaInventoryReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not verify IRSA bindings');
    }
    const {
      cluster: clusterName,
      namespace,
      serviceAccount,
      roleArn,
    } = req.body;
    // Name every field that is wrong.
    const cluster = options.config.clusters.find(c => c.name === clusterName);
    const problems = [
      cluster
        ? undefined
        : `cluster: no cluster "${clusterName}" is configured`,
      prefixed('namespace', validateNamespaceName(namespace)),
      prefixed('serviceAccount', validateServiceAccountName(serviceAccount)),
      roleArn === undefined
        ? undefined
        : prefixed('roleArn', validateRoleArn(roleArn)),
    ].filter(Boolean);
    if (problems.length > 0) {
      throw new InputError(problems.join('; '));
    }
    res.json(
      await options.discovery.verify({
        cluster: cluster!,
        namespace,
        serviceAccount,
        roleArn,
      }),
    );
  });

  /**
   * Who may simulate what: irsa.inventory.read any binding (`estate`);
   * otherwise irsa.binding.read on the request's entityRef, for that entity's
   * bindings only (the simulation checks that the binding is one of them).
   * Decided before the request is validated, so that a refused caller learns
   * nothing of the clusters.
   */
  async function simulationScope(
    rawEntityRef: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<'estate' | { entityRef: string }> {
    const read =
      rawEntityRef === undefined ? undefined : readEntityRef(rawEntityRef);
    const entityRef = read && 'entityRef' in read ? read.entityRef : undefined;
    const [inventory, binding] = await permissions.authorize(
      [
        { permission: irsaInventoryReadPermission },
        ...(entityRef
          ? [{ permission: irsaBindingReadPermission, resourceRef: entityRef }]
          : []),
      ],
      { credentials },
    );
    if (inventory.result === AuthorizeResult.ALLOW) return 'estate';
    if (read && 'problem' in read) {
      // Only the reference's syntax, which tells nothing of this installation.
      throw new InputError(`entityRef: ${read.problem}`);
    }
    if (!entityRef) {
      throw new NotAllowedError(
        'You may not simulate IRSA bindings of the whole estate (irsa.inventory.read); name the entity whose binding it is in entityRef',
      );
    }
    if (binding?.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the IRSA bindings of ${entityRef}`,
      );
    }
    return { entityRef };
  }

  router.post('/simulate', async (req, res) => {
    // A person's question, as on the entity tab; not for other backends.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const scope = await simulationScope(req.body.entityRef, credentials);
    // Every wrong field at once, before anything is read.
    const target = readSimulateRequest(req.body, options.config.clusters);
    let entity;
    if (scope !== 'estate') {
      entity = await catalog.getEntityByRef(scope.entityRef, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${scope.entityRef} in the catalog`);
      }
    }
    res.json(await options.simulation.simulate(target, { entity }));
  });

  router.post('/provision/plan', async (req, res) => {
    // Provisioning acts for a person: the scaffolder calls it with its initiator's token.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { plan } = await options.provisioning.plan(req.body, credentials);
    res.json(plan.result);
  });

  router.post('/provision/apply', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = req.body ?? {};
    const target = provisionTarget(body);
    const actor = credentials.principal.userEntityRef;
    const auditorEvent = await auditor.createEvent({
      eventId: 'provision-apply',
      severityLevel: 'high',
      request: req,
      meta: { ...target },
    });
    try {
      const { request, result } = await options.provisioning.apply(
        body,
        credentials,
      );
      await options.audit.recordApplied(
        actor,
        { ...target, entityRef: request.entityRef },
        result,
      );
      res.json(result);
      auditorEvent
        .success({
          meta: {
            roleArn: result.roleArn,
            changes: result.changes.map(
              c => `${c.target} ${c.action}: ${c.detail}`,
            ),
          },
        })
        .catch(e => logger.error(`Failed to emit audit event: ${e}`));
    } catch (e) {
      await options.audit
        .recordFailed(actor, target, e as Error)
        .catch(r => logger.error(`Failed to record audit row: ${r}`));
      await auditorEvent.fail({ error: e as Error });
      throw e;
    }
  });

  router.get('/bindings', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await options.inventory.list(req.query, credentials));
  });

  router.post('/reviews', async (req, res) => {
    // A person's judgement: the reviewer is the signed-in user.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { cluster, namespace, serviceAccount, roleArn } = req.body;
    const auditorEvent = await auditor.createEvent({
      eventId: 'review-create',
      severityLevel: 'medium',
      request: req,
      meta: { cluster, namespace, serviceAccount, roleArn },
    });
    try {
      const review = await options.reviews.create(req.body, credentials);
      res.status(201).json(review);
      auditorEvent
        .success({
          meta: { reviewId: review.id, reviewedHash: review.reviewedHash },
        })
        .catch(e => logger.error(`Failed to emit audit event: ${e}`));
    } catch (e) {
      await auditorEvent.fail({ error: e as Error });
      throw e;
    }
  });

  router.get('/reviews', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { owner, cluster, namespace, limit, cursor } = req.query;
    res.json(
      await options.reviews.list(
        { owner, cluster, namespace, limit, cursor },
        credentials,
      ),
    );
  });

  router.get('/audit', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef, limit, cursor } = req.query;
    res.json(
      await options.audit.list({ entityRef, limit, cursor }, credentials),
    );
  });

  return router;
}

/** The target fields of a body not validated yet, for the audit trail. */
function provisionTarget(body: object): ProvisionTarget {
  const fields = body as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === 'string' ? value : undefined;
  return {
    entityRef: text(fields.entityRef),
    cluster: text(fields.cluster),
    namespace: text(fields.namespace),
    serviceAccount: text(fields.serviceAccount),
  };
}

function prefixed(field: string, problem: string | undefined) {
  return problem && `${field}: ${problem}`;
}
