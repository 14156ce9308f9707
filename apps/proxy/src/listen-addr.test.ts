import { describe, expect, it } from 'vitest'
import { parseListenAddr } from './listen-addr'

describe('parseListenAddr', () => {
  it('accepts :PORT, HOST:PORT and [IPv6]:PORT', () => {
    expect(parseListenAddr(':8000')).toEqual({ host: undefined, port: 8000 })
    expect(parseListenAddr('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 })
    expect(parseListenAddr('[::1]:9000')).toEqual({ host: '::1', port: 9000 })
  })

  it('refuses anything else', () => {
    expect(() => parseListenAddr('8000')).toThrow(/HOST:PORT/)
    expect(() => parseListenAddr(':99999')).toThrow(/out of range/)
    expect(() => parseListenAddr('host:')).toThrow()
  })
})
