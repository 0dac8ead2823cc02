export { PlaygroundTab } from './PlaygroundTab';
