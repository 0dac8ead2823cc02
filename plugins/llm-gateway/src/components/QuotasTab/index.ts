export { QuotasTab } from './QuotasTab';
