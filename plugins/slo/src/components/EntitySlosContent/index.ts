export { EntitySlosContent } from './EntitySlosContent';
