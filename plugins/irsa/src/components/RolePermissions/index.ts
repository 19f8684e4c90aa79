export { describeGrants, RolePermissions } from './RolePermissions';
