export {
  irsaApi,
  irsaEntityCard,
  irsaEntityContent,
  irsaPlugin as default,
} from './plugin';
