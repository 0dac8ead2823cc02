export { default } from './module';
