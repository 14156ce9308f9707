import { describe, expect, it } from 'vitest'
import { entry, node } from '../test-support/fixtures'
import { modelsListFromNodes, nodeServesModel, resolveUpstreamModel, servingNodes } from './models'

describe('nodeServesModel (docs/contract.md §13 models)', () => {
  it('an absent or null list serves every model', () => {
    expect(nodeServesModel(node('a'), 'claude-opus-4-1')).toBe(true)
    expect(nodeServesModel(node('a', { models: null }), 'x')).toBe(true)
  })
  it('matches exact ids and trailing-* prefixes only', () => {
    const n = node('a', { models: ['claude-haiku-4-5', 'claude-opus-*'] })
    expect(nodeServesModel(n, 'claude-haiku-4-5')).toBe(true)
    expect(nodeServesModel(n, 'claude-opus-4-1')).toBe(true)
    expect(nodeServesModel(n, 'claude-opus-')).toBe(true)
    expect(nodeServesModel(n, 'claude-haiku-4-5-20251001')).toBe(false)
    expect(nodeServesModel(n, 'claude-sonnet-4-5')).toBe(false)
    expect(nodeServesModel(node('b', { models: [] }), 'claude-opus-4-1')).toBe(false)
  })
  it('servingNodes keeps the tenant nodes that serve the model, whatever their health', () => {
    const pool = [
      entry('a', { models: ['m1'] }),
      entry('b', { models: ['m2'] }, { status: 'failed' }),
      entry('c', { accountId: 'other' }),
    ]
    expect(servingNodes(pool, 'm2', 'acme').map((e) => e.node.id)).toEqual(['b'])
    expect(servingNodes(pool, 'm3', 'acme')).toEqual([])
    expect(servingNodes(pool, 'm3').map((e) => e.node.id)).toEqual(['c'])
  })
})

describe('resolveUpstreamModel (docs/contract.md §13 model_map)', () => {
  const n = node('a', {
    modelMap: {
      'claude-*': 'relay-any',
      'claude-opus-*': 'relay-opus',
      'claude-opus-4-1': 'relay-opus-exact',
      'claude-opus-4-*': 'relay-opus-4',
    },
  })
  it('an exact key wins over every pattern', () => {
    expect(resolveUpstreamModel(n, 'claude-opus-4-1')).toBe('relay-opus-exact')
  })
  it('the longest pattern prefix wins, whatever the key order', () => {
    expect(resolveUpstreamModel(n, 'claude-opus-4-5')).toBe('relay-opus-4')
    expect(resolveUpstreamModel(n, 'claude-opus-3')).toBe('relay-opus')
    expect(resolveUpstreamModel(n, 'claude-haiku-4-5')).toBe('relay-any')
    const reversed = node('r', {
      modelMap: { 'claude-opus-*': 'relay-opus', 'claude-*': 'relay-any' },
    })
    expect(resolveUpstreamModel(reversed, 'claude-opus-4-5')).toBe('relay-opus')
  })
  it('no match or no map leaves the model unchanged', () => {
    expect(resolveUpstreamModel(n, 'gpt-5')).toBe('gpt-5')
    expect(resolveUpstreamModel(node('b'), 'claude-opus-4-1')).toBe('claude-opus-4-1')
    expect(resolveUpstreamModel(node('c', { modelMap: null }), 'm')).toBe('m')
    expect(resolveUpstreamModel(node('d', { modelMap: {} }), 'toString')).toBe('toString')
  })
})

describe('modelsListFromNodes (docs/contract.md §13 GET /v1/models)', () => {
  it('is the union of exact ids when every node has a list, patterns left out', () => {
    const nodes = [
      node('a', { models: ['m1', 'claude-*'] }),
      node('b', { models: ['m2', 'm1'] }),
      node('c', { models: [] }),
    ]
    expect(modelsListFromNodes(nodes)).toEqual(['m1', 'm2'])
  })
  it('is null when a node has no list, or there is no node', () => {
    expect(modelsListFromNodes([node('a', { models: ['m1'] }), node('b')])).toBeNull()
    expect(
      modelsListFromNodes([node('a', { models: ['m1'] }), node('b', { models: null })]),
    ).toBeNull()
    expect(modelsListFromNodes([])).toBeNull()
  })
})
