export {
  formatPolicy,
  MatchMark,
  StatementTable,
  TrustExplanation,
} from './TrustExplanation';
