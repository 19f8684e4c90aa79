/**
 * Scaffolder actions of IRSA for Backstage (`aws:irsa:create`).
 *
 * @packageDocumentation
 */
export { scaffolderModuleIrsa as default } from './module';
export { createIrsaCreateAction } from './actions/irsaCreate';
