export { describePod, PodList } from './PodList';
