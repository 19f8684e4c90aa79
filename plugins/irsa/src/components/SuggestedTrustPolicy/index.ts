export {
  collectSuggestions,
  SuggestedTrustPolicy,
} from './SuggestedTrustPolicy';
