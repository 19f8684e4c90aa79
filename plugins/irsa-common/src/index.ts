/**
 * Common types, permissions and the pure trust / permission analysis of the IRSA plugin.
 *
 * @packageDocumentation
 */

export * from './permissions';
