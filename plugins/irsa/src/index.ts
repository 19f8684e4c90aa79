/**
 * IRSA for Backstage frontend plugin: the entity tab, the overview card and
 * the ownership review page. Classic apps use these exports; the new
 * frontend system's plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */
export {
  irsaPlugin,
  EntityIrsaContent,
  EntityIrsaCard,
  IrsaReviewPage,
} from './plugin';
export { isIrsaAvailable } from './isIrsaAvailable';
export * from './api';
