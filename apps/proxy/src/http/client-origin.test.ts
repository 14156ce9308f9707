import { describe, expect, it } from 'vitest'
import {
  arrivedOverHttps,
  isLoopbackAddress,
  resolveClient,
  TrustedProxies,
  type HeaderReader,
} from './client-origin'

const headers =
  (h: Record<string, string> = {}): HeaderReader =>
  (name) =>
    h[name]
const none = new TrustedProxies([])
const tunnel = new TrustedProxies([], { tunnelRunning: () => true })

describe('client origin', () => {
  it('knows the loopback forms and nothing else', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      expect(isLoopbackAddress(a), a).toBe(true)
    }
    for (const a of ['192.0.2.2', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fd00::2', '', 'localhost']) {
      expect(isLoopbackAddress(a), a).toBe(false)
    }
  })

  it('H3: a loopback peer is local, unless it is the Cloudflare tunnel', () => {
    expect(resolveClient('127.0.0.1', headers(), none)).toEqual({
      address: '127.0.0.1',
      loopback: true,
    })
    expect(resolveClient('::ffff:127.0.0.1', headers(), none).loopback).toBe(true)
    expect(resolveClient('192.0.2.2', headers(), none)).toEqual({
      address: '192.0.2.2',
      loopback: false,
    })
    // Client-sent forwarding headers from an untrusted peer are ignored.
    expect(resolveClient('192.0.2.2', headers({ 'x-forwarded-for': '127.0.0.1' }), none)).toEqual({
      address: '192.0.2.2',
      loopback: false,
    })
    // cloudflared connects over loopback: never local, its header believed only from our tunnel.
    const viaTunnel = headers({ 'cf-connecting-ip': '203.0.113.9', 'cf-ray': 'x' })
    expect(resolveClient('127.0.0.1', viaTunnel, none)).toEqual({
      address: '127.0.0.1',
      loopback: false,
    })
    expect(resolveClient('127.0.0.1', viaTunnel, tunnel)).toEqual({
      address: '203.0.113.9',
      loopback: false,
    })
    expect(resolveClient('127.0.0.1', headers({ 'cf-connecting-ip': 'junk' }), tunnel)).toEqual({
      address: '127.0.0.1',
      loopback: false,
    })
    // The tunnel's header from a remote peer is nobody's word.
    expect(resolveClient('192.0.2.2', viaTunnel, tunnel).address).toBe('192.0.2.2')
  })

  it('H3: a trusted proxy speaks for the client, but cannot make it local', () => {
    const local = new TrustedProxies(['127.0.0.1'])
    const forwarded = headers({ 'x-forwarded-for': '127.0.0.1, 203.0.113.9' })
    expect(resolveClient('127.0.0.1', forwarded, local)).toEqual({
      address: '203.0.113.9',
      loopback: false,
    })
    expect(resolveClient('127.0.0.1', headers(), local).loopback).toBe(true)
    const remote = new TrustedProxies(['10.0.0.0/8'])
    const says = headers({ 'x-forwarded-for': '127.0.0.1' })
    expect(resolveClient('10.1.1.1', says, remote)).toEqual({
      address: '127.0.0.1',
      loopback: false,
    })
  })

  it('H8: HTTPS directly, from a trusted proxy, or through the tunnel', () => {
    const local = new TrustedProxies(['127.0.0.1'])
    expect(arrivedOverHttps(true, '192.0.2.2', headers(), none)).toBe(true)
    expect(arrivedOverHttps(false, '127.0.0.1', headers(), none)).toBe(false)
    const proto = headers({ 'x-forwarded-proto': 'https' })
    expect(arrivedOverHttps(false, '127.0.0.1', proto, local)).toBe(true)
    expect(arrivedOverHttps(false, '127.0.0.1', proto, none)).toBe(false)
    const cf = { 'cf-connecting-ip': '203.0.113.9' }
    expect(arrivedOverHttps(false, '127.0.0.1', headers(cf), none)).toBe(true)
    const https = headers({ ...cf, 'cf-visitor': '{"scheme":"https"}' })
    expect(arrivedOverHttps(false, '::1', https, none)).toBe(true)
    const http = headers({ ...cf, 'cf-visitor': '{"scheme":"http"}' })
    expect(arrivedOverHttps(false, '127.0.0.1', http, none)).toBe(false)
    // Only a loopback peer can be the tunnel.
    expect(arrivedOverHttps(false, '192.0.2.2', https, none)).toBe(false)
  })
})
