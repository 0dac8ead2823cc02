export {
  GatewayAccessGate,
  ReadOnlyNote,
  useGatewayAccess,
} from './GatewayAccess';
export type { GatewayAccess } from './GatewayAccess';
