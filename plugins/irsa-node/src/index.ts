/**
 * Backend library of the IRSA plugin: a typed client of the irsa-backend API
 * as a service other backend plugins can depend on.
 *
 * @packageDocumentation
 */
export { irsaServiceRef } from './lib';
export type { IrsaService } from './lib';
export { DefaultIrsaService } from './service/DefaultIrsaService';
export * from './types';
