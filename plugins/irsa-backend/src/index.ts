export { irsaPlugin as default } from './plugin';
