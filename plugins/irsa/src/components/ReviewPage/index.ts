export { ReviewPage, ReviewContent } from './ReviewPage';
export { bindingsCsv, toCsv, csvField } from './csv';
