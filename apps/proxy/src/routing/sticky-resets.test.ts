import { describe, expect, it } from 'vitest'
import { StickyBindings } from '@qcc/core'
import { nodeRecord } from '../../test/records'
import { StickyResets } from './sticky-resets'

describe('StickyResets (docs/contract.md §13 unstick across replicas)', () => {
  it("drops this replica's bindings to a node once its unstuck_at moves, not before", () => {
    const sticky = new StickyBindings()
    const resets = new StickyResets(sticky)
    sticky.bind('acme', 's1', 'id-a', 0)
    sticky.bind('acme', 's2', 'id-b', 0)
    resets.apply([nodeRecord('a', { unstuckAt: new Date(1000) }), nodeRecord('b')])
    // First sight: nothing is dropped.
    expect(sticky.size('acme')).toBe(2)
    resets.apply([nodeRecord('a', { unstuckAt: new Date(1000) }), nodeRecord('b')])
    expect(sticky.size('acme')).toBe(2)
    resets.apply([nodeRecord('a', { unstuckAt: new Date(2000) }), nodeRecord('b')])
    expect(sticky.get('acme', 's1', 1)).toBeUndefined()
    expect(sticky.get('acme', 's2', 1)).toBe('id-b')
  })
})
