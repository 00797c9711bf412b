/** One error as a precompiled (ajv standalone) validator reports it. */
export interface CompiledValidatorError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** A precompiled validator: returns whether `data` is valid and leaves the first error on `errors`. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledValidatorError[] | null;
}
