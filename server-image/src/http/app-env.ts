/** Per-request values the middleware hands to routes (Hono `c.var`). */
export interface AppVariables {
  /** Id of this request: the caller's X-Request-Id when well-formed, otherwise a fresh UUID. */
  requestId: string;
  /** Name of the API token that authenticated the request (the Secret key, never the token). */
  tokenName: string;
}

/** Hono environment of the inference service app. */
export interface AppEnv {
  Variables: AppVariables;
}
