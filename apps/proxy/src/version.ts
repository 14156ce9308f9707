/** Filled in by the build (tsup `define`); the fallbacks apply when running from source. */
declare const __QCC_VERSION__: string | undefined
declare const __QCC_COMMIT__: string | undefined
declare const __QCC_BUILT_AT__: string | undefined

export const VERSION_INFO = {
  version: typeof __QCC_VERSION__ === 'string' ? __QCC_VERSION__ : '0.0.0-dev',
  commit: typeof __QCC_COMMIT__ === 'string' ? __QCC_COMMIT__ : 'unknown',
  builtAt: typeof __QCC_BUILT_AT__ === 'string' ? __QCC_BUILT_AT__ : 'unknown',
}
