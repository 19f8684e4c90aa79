/**
 * What the analysis benchmark needs from irsa-common, including the internal
 * switch that turns its caches off for the side-by-side comparison. Bundled
 * by bench/run-analysis.mjs with esbuild; not part of any package.
 */
export { analyzeTrust } from '../plugins/irsa-common/src/trust/analyzeTrust';
export { analyzePermissions } from '../plugins/irsa-common/src/permissions-analysis/analyzePermissions';
export {
  expandActionPattern,
  listIamServices,
} from '../plugins/irsa-common/src/permissions-analysis/accessLevels';
export { buildIrsaTrustPolicy } from '../plugins/irsa-common/src/trust/canonical';
export { setAnalysisCaching } from '../plugins/irsa-common/src/caching';
