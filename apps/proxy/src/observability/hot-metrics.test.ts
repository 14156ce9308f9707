import { Counter, Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { HotCounter, HotHistogram } from './hot-metrics'

describe('hot metrics', () => {
  it('render exactly as prom-client renders the same updates', async () => {
    const hot = new Registry()
    const reference = new Registry()
    const counter = new HotCounter({
      name: 'x_total',
      help: 'X',
      labelNames: ['node', 'result'],
      registry: hot,
    })
    const refCounter = new Counter({
      name: 'x_total',
      help: 'X',
      labelNames: ['node', 'result'],
      registers: [reference],
    })
    const buckets = [0.1, 1, 10]
    const histogram = new HotHistogram({
      name: 'y_seconds',
      help: 'Y',
      labelNames: ['node'],
      buckets,
      registry: hot,
    })
    const refHistogram = new Histogram({
      name: 'y_seconds',
      help: 'Y',
      labelNames: ['node'],
      buckets,
      registers: [reference],
    })
    const updates: Array<[string, string, number]> = [
      ['a "quoted"', 'ok', 0.05],
      ['b', 'retry', 0.1],
      ['a "quoted"', 'ok', 5],
      ['b', 'ok', 50],
      ['a "quoted"', 'retry', 1],
    ]
    for (const [node, result, seconds] of updates) {
      counter.labels(node, result).inc()
      refCounter.inc({ node, result })
      histogram.labels(node).observe(seconds)
      refHistogram.observe({ node }, seconds)
    }
    counter.labels('b', 'ok').inc(3)
    refCounter.inc({ node: 'b', result: 'ok' }, 3)
    expect(await hot.metrics()).toBe(await reference.metrics())
    expect(counter.get().values.reduce((sum, v) => sum + v.value, 0)).toBe(8)
  })

  it('ignores values that are not finite numbers', async () => {
    const registry = new Registry()
    const histogram = new HotHistogram({
      name: 'z',
      help: 'Z',
      labelNames: [],
      buckets: [1],
      registry,
    })
    histogram.labels().observe(Number.NaN)
    histogram.labels().observe(0.5)
    expect(await registry.metrics()).toContain('z_count 1')
  })
})
