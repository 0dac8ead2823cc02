export { default } from './module';
export { catalogModuleLocalRepositories } from './catalogModule';
