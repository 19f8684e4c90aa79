export { SeverityChip, severityColor } from './SeverityChip';
