export {
  BindingList,
  KUBERNETES_ID_ANNOTATION,
  SERVICE_ACCOUNTS_ANNOTATION,
  summarizeBindings,
} from './BindingList';
