export { BindingCard } from './BindingCard';
