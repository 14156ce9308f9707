import { describe, expect, it } from 'vitest'
import type { ModelPrice } from './prices'
import { PRICES } from './prices'
import { createModelPricer, modelFamily } from './pricing'

const row = (model: string, input: number): ModelPrice => ({
  model,
  inputPerMTok: input,
  outputPerMTok: input * 5,
  cacheWrite5mPerMTok: input * 1.25,
  cacheWrite1hPerMTok: input * 2,
  cacheReadPerMTok: input / 10,
})

describe('modelFamily', () => {
  it('reads the first word after claude-, in both naming schemes', () => {
    expect(modelFamily('claude-opus-4-1')).toBe('opus')
    expect(modelFamily('claude-3-5-sonnet-20241022')).toBe('sonnet')
    expect(modelFamily('claude-haiku-9[1m]')).toBe('haiku')
    expect(modelFamily('gpt-4o')).toBeUndefined()
    expect(modelFamily('claude-4')).toBeUndefined()
  })
})

describe('createModelPricer (docs/contract.md §15)', () => {
  it('prices a listed id, also with a context or date suffix, by the table', () => {
    const price = createModelPricer([PRICES])
    expect(price('claude-sonnet-5-5')).toMatchObject({
      pricedBy: 'table',
      price: { model: 'claude-sonnet-5-5' },
    })
    expect(price('claude-opus-5-5[1m]').pricedBy).toBe('table')
    expect(price('claude-sonnet-5-5-20261007').price?.model).toBe('claude-sonnet-5-5')
  })

  it('prices an unknown id of a known family by its newest priced model, by version', () => {
    const price = createModelPricer([PRICES])
    // claude-opus-5-5 is the newest opus of the built-in table, listed after the fables.
    expect(price('claude-opus-4-1')).toMatchObject({
      pricedBy: 'family',
      price: { model: 'claude-opus-5-5' },
    })
    expect(price('claude-3-haiku-20240307').price?.model).toBe('claude-haiku-5-5')
    expect(price('claude-sonnet-9-9').price?.model).toBe('claude-sonnet-5-5')
    // Newest by version numbers, whatever the table's order.
    const shuffled = createModelPricer([
      [row('claude-opus-4-8', 5), row('claude-opus-10', 7), row('claude-opus-5-5', 4)],
    ])
    expect(shuffled('claude-opus-x').price?.model).toBe('claude-opus-10')
  })

  it("falls to the operator's * row, then to none", () => {
    const withDefault = createModelPricer([[row('*', 3)], PRICES])
    expect(withDefault('relay-model-x')).toMatchObject({
      pricedBy: 'default',
      price: { model: '*', inputPerMTok: 3 },
    })
    // A family price still comes before the default.
    expect(withDefault('claude-opus-4-1').pricedBy).toBe('family')
    const without = createModelPricer([PRICES])
    expect(without('relay-model-x')).toEqual({ price: undefined, pricedBy: 'none' })
    // The * row is no table row of its own: a model literally named * is priced by default.
    expect(withDefault('*').pricedBy).toBe('default')
    expect(without('*').pricedBy).toBe('none')
  })

  it('lets the first table win and fills from the next', () => {
    const price = createModelPricer([[row('claude-sonnet-5-5', 9)], PRICES])
    expect(price('claude-sonnet-5-5').price?.inputPerMTok).toBe(9)
    expect(price('claude-haiku-4-5').pricedBy).toBe('table')
  })

  it('answers the same after its memo fills and starts over', () => {
    const price = createModelPricer([PRICES])
    for (let i = 0; i < 1500; i++) price(`relay-${i}`)
    expect(price('relay-3').pricedBy).toBe('none')
    expect(price('claude-opus-4-1').pricedBy).toBe('family')
  })
})
