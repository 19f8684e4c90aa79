export {
  irsaApi,
  irsaEntityCard,
  irsaEntityContent,
  irsaReviewPage,
  irsaPlugin as default,
} from './plugin';
