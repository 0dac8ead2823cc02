export { McpServerOverviewCard } from './McpServerOverviewCard';
