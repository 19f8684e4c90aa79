export {
  formatPolicy,
  MatchMark,
  statementLabel,
  StatementTable,
  TrustExplanation,
} from './TrustExplanation';
