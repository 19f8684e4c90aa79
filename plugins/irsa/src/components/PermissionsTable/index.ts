export {
  describeAccessLevels,
  PermissionsTable,
  summarizeActions,
} from './PermissionsTable';
