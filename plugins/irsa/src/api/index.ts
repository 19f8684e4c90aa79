export { irsaApiRef } from './IrsaApi';
export type { IrsaApi, IrsaClusterStatus, IrsaHealth } from './IrsaApi';
export { IrsaClient } from './IrsaClient';
