export { awsConsoleRoleUrl, RoleArnLink } from './RoleArnLink';
