// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
export { eventValidators } from './events.js';
export { actionValidators } from './actions.js';
// A namespace, not an object literal: `objectValidators.Session` keeps Session's validator alone in a bundle.
export * as objectValidators from './objects.js';
