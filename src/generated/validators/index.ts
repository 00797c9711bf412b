// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
export { eventValidators } from './events.js';
export { actionValidators } from './actions.js';
// Kept for existing imports; it holds every object validator in a bundle. To keep only the ones
// read, import the namespace directly: `import * as objectValidators from './objects.js'`.
export * as objectValidators from './objects.js';
