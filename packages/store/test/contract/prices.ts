import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart } from '../support/harness'

const PRICE = {
  model: 'claude-sonnet-4-5',
  inputPerMTok: 3,
  outputPerMTok: 15,
  cacheWrite5mPerMTok: 3.75,
  cacheWrite1hPerMTok: 6,
  cacheReadPerMTok: 0.3,
}

/** Model prices: the seed, upserts and deletes. */
export const priceContract = contractPart('prices', (stores) => {
  it('seeds, upserts, lists and deletes prices', async () => {
    const store = await stores.open({
      seedPrices: [PRICE, { ...PRICE, model: 'claude-haiku-4-5', inputPerMTok: 1 }],
    })
    expect((await store.listPrices()).map((p) => p.model)).toEqual([
      'claude-haiku-4-5',
      'claude-sonnet-4-5',
    ])
    const p = await store.upsertPrice({ ...PRICE, inputPerMTok: 2.5 })
    expect(p).toMatchObject({ ...PRICE, inputPerMTok: 2.5 })
    expect((await store.listPrices()).find((x) => x.model === PRICE.model)).toMatchObject({
      inputPerMTok: 2.5,
      cacheReadPerMTok: 0.3,
    })
    expect(await store.deletePrice('claude-haiku-4-5')).toBe(true)
    expect(await store.deletePrice('claude-haiku-4-5')).toBe(false)
    const err = await store.upsertPrice({ ...PRICE, outputPerMTok: -1 }).catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
  })
})
