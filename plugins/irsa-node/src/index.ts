/**
 * Backend library of the IRSA plugin: a typed client of the irsa-backend API
 * as a service other backend plugins can depend on. The request and response
 * types are those generated from the backend's OpenAPI spec (exported by
 * `@irsa-backstage/plugin-irsa-common`).
 *
 * @packageDocumentation
 */
export { irsaServiceRef } from './lib';
export type { IrsaService } from './lib';
export { DefaultIrsaService } from './service/DefaultIrsaService';
