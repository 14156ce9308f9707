import { describeStoreContract } from './contract'
import { memoryHarness } from './support/memory-harness'

describeStoreContract('memory', memoryHarness())
