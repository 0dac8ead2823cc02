export { PermissionList, ToolHintChips } from './ToolDetails';
