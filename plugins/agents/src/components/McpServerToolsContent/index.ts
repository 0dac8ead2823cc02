export { McpServerToolsContent } from './McpServerToolsContent';
