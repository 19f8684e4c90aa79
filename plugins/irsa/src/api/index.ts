export { irsaApiRef } from './IrsaApi';
export type { InventoryQuery, IrsaApi, ReviewQuery } from './IrsaApi';
export { IrsaClient } from './IrsaClient';
// The response types are the backend's contract, generated from its OpenAPI
// spec into irsa-common.
export type {
  ClusterStatus,
  EntityBinding,
  EntityBindings,
  HealthStatus,
  InventoryBinding,
  InventoryPage,
  Review,
  ReviewRequest,
  PermissionStatement,
  SimulateRequest,
  SimulationResult,
} from '@irsa-backstage/plugin-irsa-common';
