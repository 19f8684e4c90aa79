export { IrsaEntityContent } from './IrsaEntityContent';
