export { irsaApiRef } from './IrsaApi';
export type { IrsaApi, IrsaHealth } from './IrsaApi';
export { IrsaClient } from './IrsaClient';
