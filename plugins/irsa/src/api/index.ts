export { irsaApiRef } from './IrsaApi';
export type {
  EntityBinding,
  EntityBindings,
  IrsaApi,
  IrsaClusterStatus,
  IrsaHealth,
} from './IrsaApi';
export { IrsaClient } from './IrsaClient';
