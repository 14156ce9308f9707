import { describe } from 'vitest'
import { accountContract } from './accounts'
import { bulkContract } from './bulk'
import { auditContract } from './audit'
import { downloadLinkContract } from './download-links'
import { healthCheckContract } from './health-checks'
import { importSecretsContract } from './import-secrets'
import { importContract } from './imports'
import { lifecycleContract } from './lifecycle'
import { limitsContract } from './limits'
import { nodeStateContract } from './node-states'
import { nodePolicyContract } from './node-policies'
import { nodeContract } from './nodes'
import { notificationContract } from './notifications'
import { priceContract } from './prices'
import { proxyKeyContract } from './proxy-keys'
import { retentionContract } from './retention'
import { securityContract } from './security'
import { sessionContract } from './sessions'
import { shareLinkContract } from './share-links'
import { spendContract } from './spend'
import { stickyUnstickContract } from './sticky-unstick'
import { tunnelContract } from './tunnel'
import { usageContract } from './usage'
import { usagePricingContract } from './usage-pricing'
import { usageTraceContract } from './usage-trace'
import type { ContractHarness } from '../support/harness'

/**
 * The one behaviour suite every Store adapter must pass, one part per entity (named as the
 * adapters' files are). Call it from a test file with a harness that opens empty stores of that
 * adapter.
 */
export function describeStoreContract(name: string, harness: ContractHarness): void {
  describe(`Store contract: ${name}`, () => {
    accountContract(harness)
    proxyKeyContract(harness)
    limitsContract(harness)
    sessionContract(harness)
    nodeContract(harness)
    bulkContract(harness)
    nodePolicyContract(harness)
    stickyUnstickContract(harness)
    nodeStateContract(harness)
    lifecycleContract(harness)
    usageContract(harness)
    usageTraceContract(harness)
    usagePricingContract(harness)
    spendContract(harness)
    retentionContract(harness)
    healthCheckContract(harness)
    priceContract(harness)
    shareLinkContract(harness)
    notificationContract(harness)
    auditContract(harness)
    tunnelContract(harness)
    securityContract(harness)
    downloadLinkContract(harness)
    importContract(harness)
    importSecretsContract(harness)
  })
}
