/**
 * IRSA for Backstage frontend plugin: the entity tab and review page.
 *
 * @packageDocumentation
 */
export { irsaPlugin as default } from './plugin';
export * from './api';
