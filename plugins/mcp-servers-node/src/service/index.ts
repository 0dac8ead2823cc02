export * from './types';
export { readMcpServerConfigs } from './readConfig';
export { DefaultMcpServersService } from './DefaultMcpServersService';
export type { RestartPolicy } from './DefaultMcpServersService';
