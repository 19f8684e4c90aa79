export { CanItForm, describeDecision } from './CanItForm';
