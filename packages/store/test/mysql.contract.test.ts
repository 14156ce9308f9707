import { describe } from 'vitest'
import { describeStoreContract } from './contract'
import { mysqlHarnessForFile, unreachableHarness } from './support/mysql-harness'

// Without a server (never in CI) every contract test is listed as skipped, the reason in the name.
const { env, label, unreachable } = await mysqlHarnessForFile()
describe.skipIf(env === null)(`mysql (${label})`, () => {
  describeStoreContract('mysql', env?.harness ?? unreachableHarness(unreachable))
})
