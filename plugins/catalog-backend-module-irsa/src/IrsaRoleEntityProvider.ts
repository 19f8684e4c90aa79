import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { InventoryBinding } from '@irsa-backstage/plugin-irsa-common';
import type { IrsaService } from '@irsa-backstage/plugin-irsa-node';
import { inventoryRoleEntities, RoleEntityOptions } from './roleEntities';

const PROVIDER_NAME = 'irsa-roles';
const PAGE_SIZE = 500;

/**
 * Emits the IAM roles of the IRSA inventory as catalog Resources, read from
 * the IRSA backend with the catalog plugin's own service credentials.
 */
export class IrsaRoleEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly deps: {
      irsa: IrsaService;
      auth: AuthService;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      mapping: RoleEntityOptions;
    },
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.taskRunner.run({
      id: `${PROVIDER_NAME}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /**
   * Replaces the provider's entities with the inventory's roles. When the
   * inventory cannot be read, or has not been built yet, the catalog keeps
   * the last roles: an empty full mutation would delete them all.
   */
  async refresh(): Promise<void> {
    const { logger, mapping } = this.deps;
    if (!this.connection) throw new Error(`${PROVIDER_NAME} is not connected`);
    let bindings: InventoryBinding[] | undefined;
    try {
      bindings = await this.readInventory();
    } catch (e) {
      logger.warn(
        `Could not read the IRSA inventory, keeping the IAM roles in the catalog: ${e}`,
      );
      return;
    }
    if (!bindings) {
      logger.info('The IRSA inventory has not been built yet; nothing emitted');
      return;
    }
    const entities = inventoryRoleEntities(bindings, mapping);
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: PROVIDER_NAME,
      })),
    });
    logger.info(
      `Emitted ${entities.length} IAM roles from ${bindings.length} IRSA bindings`,
    );
  }

  /** Every binding, page by page; undefined before the first refresh. */
  private async readInventory(): Promise<InventoryBinding[] | undefined> {
    const { irsa, auth } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const bindings: InventoryBinding[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await irsa.listInventoryBindings(
        { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        { credentials },
      );
      if (!page.refreshedAt) return undefined;
      bindings.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return bindings;
      // A cursor seen before would loop forever: fail, keeping the roles.
      if (seen.has(cursor)) throw new Error(`cursor ${cursor} repeated`);
      seen.add(cursor);
    }
  }
}
