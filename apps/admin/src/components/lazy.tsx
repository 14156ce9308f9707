import type { ComponentType } from 'preact'
import { signal } from '@preact/signals'
import { t } from '../i18n'
import { ErrorBox, Loading } from './ui'

/**
 * A page loaded on first use with a dynamic import, so only login and the dashboard are in the
 * initial bundle. (preact/compat's `lazy` would pull compat in for this one feature.)
 */
export function lazyPage(load: () => Promise<{ default: ComponentType }>): ComponentType {
  const mod = signal<ComponentType | null>(null)
  const error = signal<string | null>(null)
  let started = false
  const start = () => {
    started = true
    error.value = null
    load().then(
      (m) => (mod.value = m.default),
      (err: unknown) => {
        started = false
        error.value = `${t('Could not load this page.')} ${String(err)}`
      },
    )
  }
  return function LazyPage() {
    if (!started && !mod.value) {
      // Not during render: the import settles into signals this render just read.
      started = true
      queueMicrotask(start)
    }
    const Page = mod.value
    if (Page) return <Page />
    if (error.value) return <ErrorBox error={error.value} onRetry={start} />
    return <Loading />
  }
}
