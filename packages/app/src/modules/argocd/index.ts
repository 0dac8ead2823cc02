export { argocdPlugin } from './argocdPlugin';
