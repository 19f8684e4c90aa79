export { VerdictBanner, VERDICT_TEXT, verdictState } from './VerdictBanner';
export type { VerdictState } from './VerdictBanner';
