export { FindingHighlight, describeFinding } from './FindingHighlight';
export { findingColor } from './findingColors';
