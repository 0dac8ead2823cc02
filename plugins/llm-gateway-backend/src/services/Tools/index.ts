export {
  ACTIONS_SERVER,
  ToolCatalog,
  annotationsOf,
  toolContext,
} from './ToolCatalog';
export type { CatalogTool, ToolResult } from './ToolCatalog';
