export { createInspector } from './createInspector';
export type { CreateInspectorOptions } from './createInspector';
export { DefaultInspector, createBuiltinDetectors } from './DefaultInspector';
export { DEFAULT_DETECTORS, BUILTIN_DATA_CLASS } from './defaults';
