export { irsaApiRef } from './IrsaApi';
export type { IrsaApi } from './IrsaApi';
export { IrsaClient } from './IrsaClient';
// The response types are the backend's contract, defined once in irsa-common.
export type {
  ClusterStatus,
  EntityBinding,
  EntityBindings,
  IrsaHealth,
} from '@irsa-backstage/plugin-irsa-common';
