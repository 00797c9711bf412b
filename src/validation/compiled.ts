/** One error as a validator reports it: ajv's shape, which the equivalence test compares. */
export interface CompiledValidatorError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** A validator (src/validation/compile.ts): returns whether `data` is valid and leaves the first error on `errors`. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledValidatorError[] | null;
}
