export * from './generated/types.js';
export {
  validateAction,
  validateEvent,
  type InvalidFrame,
  type UnknownFrameType,
  type ValidFrame,
  type ValidationIssue,
  type ValidationResult,
} from './validation/validate.js';
