export { IsolationContent } from './IsolationContent';
