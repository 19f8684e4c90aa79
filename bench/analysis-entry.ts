/**
 * What the analysis benchmark needs from irsa-common, including the cache it
 * passes (or passes with no room: the naive side). Bundled by
 * bench/run-analysis.mjs with esbuild; not part of any package.
 */
export { analyzeTrust } from '../plugins/irsa-common/src/trust/analyzeTrust';
export { analyzePermissions } from '../plugins/irsa-common/src/permissions-analysis/analyzePermissions';
export { listIamServices } from '../plugins/irsa-common/src/permissions-analysis/accessLevels';
export { expandActionPattern } from '../plugins/irsa-common/src/permissions-analysis/actionIndex';
export { buildIrsaTrustPolicy } from '../plugins/irsa-common/src/trust/canonical';
export { createAnalysisCache } from '../plugins/irsa-common/src/analysisCache';
