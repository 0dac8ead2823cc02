export { PoliciesTab } from './PoliciesTab';
