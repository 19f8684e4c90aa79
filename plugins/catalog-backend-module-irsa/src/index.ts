/**
 * Catalog module of IRSA for Backstage: the IAM roles of the IRSA inventory
 * as `Resource` entities of type `aws-iam-role`.
 *
 * @packageDocumentation
 */
export { catalogModuleIrsa as default } from './module';
export { ANNOTATION_ROLE_ARN } from './roleEntities';
