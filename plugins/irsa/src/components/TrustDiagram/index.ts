export { TrustDiagram } from './TrustDiagram';
