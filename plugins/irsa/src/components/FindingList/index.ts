export { FindingList, FindingRow } from './FindingList';
