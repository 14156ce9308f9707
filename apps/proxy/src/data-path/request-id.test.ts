import { describe, expect, it } from 'vitest'
import { createRequestIds } from './request-id'

describe('createRequestIds', () => {
  it('gives distinct ids of one shape within a process', () => {
    const next = createRequestIds()
    const ids = Array.from({ length: 1000 }, next)
    expect(new Set(ids).size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^req_qcc_[0-9a-f]{20}[0-9a-z]{12}$/)
  })

  it('differs between processes by its random prefix', () => {
    const a = createRequestIds(Buffer.alloc(10, 1))()
    const b = createRequestIds(Buffer.alloc(10, 2))()
    expect(a).not.toBe(b)
    expect(a.slice(0, 28)).toBe(`req_qcc_${'01'.repeat(10)}`)
  })
})
