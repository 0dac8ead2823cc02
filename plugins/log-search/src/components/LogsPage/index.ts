export { LogSearchRoot } from './LogSearchRoot';
export { LogsPage } from './LogsPage';
