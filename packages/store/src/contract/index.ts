import { describe } from 'vitest'
import { accountContract } from './accounts'
import { downloadLinkContract } from './download-links'
import { extrasContract } from './extras'
import type { ContractHarness } from './harness'
import { nodeContract } from './nodes'
import { securityContract } from './security'
import { usageContract } from './usage'

export type { ContractHarness, OpenOptions } from './harness'

/**
 * The one behaviour suite every Store adapter must pass. Call it from a test file with a
 * harness that opens empty stores of that adapter.
 */
export function describeStoreContract(name: string, harness: ContractHarness): void {
  describe(`Store contract: ${name}`, () => {
    accountContract(harness)
    nodeContract(harness)
    usageContract(harness)
    extrasContract(harness)
    securityContract(harness)
    downloadLinkContract(harness)
  })
}
