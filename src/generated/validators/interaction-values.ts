// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
// Validates InteractionValues.
// @ts-nocheck
import type { CompiledValidator } from "../../validation/compiled.js";
export const validate: CompiledValidator = validate45 as unknown as CompiledValidator;const schema22 = {"type":"object","additionalProperties":true};function validate45(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){}else {validate45.errors = [{instancePath,keyword:"type",params:{type: "object"}}];return false;}}validate45.errors = vErrors;return errors === 0;}
