import { useSignal, type Signal } from '@preact/signals'

export interface Action {
  busy: Signal<boolean>
  /** The last failure's message, for an `ErrorBox`; cleared when the next run starts. */
  error: Signal<string | null>
  /** Runs `fn` with `busy` set; resolves `false` (and sets `error`) when it throws. */
  run: (fn: () => Promise<unknown>) => Promise<boolean>
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** A page's or form's mutation: busy while it runs, its error kept to show. */
export function useAction(): Action {
  const busy = useSignal(false)
  const error = useSignal<string | null>(null)
  const run = async (fn: () => Promise<unknown>) => {
    busy.value = true
    error.value = null
    try {
      await fn()
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}
