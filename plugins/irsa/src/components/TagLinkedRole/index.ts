export {
  isUnusedTagLinkedRole,
  PROVISION_TEMPLATE_PATH,
  provisionServiceAccountUrl,
  TagLinkedRole,
} from './TagLinkedRole';
