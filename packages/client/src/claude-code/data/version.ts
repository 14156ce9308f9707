/**
 * The Claude Code release the builder imitates. Update together with `betas.ts` and `tools.json`
 * (see the package README, "Refreshing the Claude Code data").
 */
export const CLAUDE_CODE_VERSION = '2.1.197'

/** The `@anthropic-ai/sdk` version that release bundles (`x-stainless-package-version`). */
export const CLAUDE_CODE_SDK_VERSION = '0.94.0'
