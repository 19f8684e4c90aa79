/**
 * IRSA for Backstage in the new frontend system: the plugin (default export)
 * and its extensions.
 *
 * @packageDocumentation
 */
export { default } from './alpha/index';
export * from './alpha/index';
