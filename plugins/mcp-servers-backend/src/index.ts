export { mcpServersPlugin as default } from './plugin';
