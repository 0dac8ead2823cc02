export { SlosPage } from './SlosPage';
