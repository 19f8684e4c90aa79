export { IrsaEntityCard } from './IrsaEntityCard';
