export { ManifestsContent } from './ManifestsContent';
