import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { useSignal } from '@preact/signals'
import { t } from '../i18n'

export function Loading({ label }: { label?: string }) {
  return (
    <p class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {label ?? t('Loading…')}
    </p>
  )
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>
}

export function ErrorBox({ error, onRetry }: { error: string | null; onRetry?: () => void }) {
  if (!error) return null
  return (
    <div class="alert" role="alert">
      <span>{error}</span>
      {onRetry && (
        <button type="button" class="btn small" onClick={onRetry}>
          {t('Retry')}
        </button>
      )}
    </div>
  )
}

/** Where a list's data stands: still loading, loaded once, failed (with a retry). */
export interface ListStatus {
  loading: boolean
  loaded: boolean
  error: string | null
  onRetry?: () => void
}

/**
 * Loading, error and empty states around a list, in one place so every page says them alike.
 * Tables go through `DataTable`; the card and row layouts (monitor, nodes) use this directly.
 */
export function ListState(
  props: ListStatus & { empty: boolean; emptyText: string; children: ComponentChildren },
) {
  if (!props.loaded && props.loading) return <Loading />
  return (
    <>
      <ErrorBox error={props.error} onRetry={props.onRetry} />
      {props.empty
        ? props.loaded && !props.error && <Empty>{props.emptyText}</Empty>
        : props.children}
    </>
  )
}

/** A modal form's last row: its error, Cancel, and the submit button (off while `busy`). */
export function FormActions(props: {
  error: string | null
  onCancel: () => void
  submitLabel: string
  busy?: boolean
}) {
  return (
    <>
      <ErrorBox error={props.error} />
      <div class="form-actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          {t('Cancel')}
        </button>
        <button type="submit" class="btn primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
      </div>
    </>
  )
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const done = useSignal(false)
  return (
    <button
      type="button"
      class="btn small"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text)
        } catch {
          // Insecure origins have no clipboard API; fall back to selecting a hidden field.
          const area = document.createElement('textarea')
          area.value = text
          document.body.append(area)
          area.select()
          document.execCommand('copy')
          area.remove()
        }
        done.value = true
        setTimeout(() => (done.value = false), 1500)
      }}
    >
      {done.value ? t('Copied') : (label ?? t('Copy'))}
    </button>
  )
}

/** A modal built on <dialog>: focus trap, Escape and the backdrop come from the browser. */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  return (
    <dialog ref={ref} class="modal" aria-label={props.title} onClose={props.onClose}>
      <header class="modal-head">
        <h2>{props.title}</h2>
        <button type="button" class="btn ghost" aria-label={t('Close')} onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  )
}

/** A secret the API shows only once (a new proxy key, a share token). */
export function OnceSecret({ label, value }: { label: string; value: string }) {
  return (
    <div class="secret" data-testid="once-secret">
      <p>
        <strong>{label}</strong> {t('Copy it now: it will not be shown again.')}
      </p>
      <div class="secret-row">
        <code data-testid="secret-value">{value}</code>
        <CopyButton text={value} />
      </div>
    </div>
  )
}

export function StatusPill({ status }: { status: string }) {
  const label: Record<string, string> = {
    healthy: t('Healthy'),
    cooling: t('Cooling'),
    failed: t('Failed'),
    disabled: t('Disabled'),
  }
  return (
    <span class={`pill ${status}`} data-status={status}>
      {label[status] ?? status}
    </span>
  )
}

export function PageHead(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-head">
      <h1>{props.title}</h1>
      <div class="actions">{props.children}</div>
    </div>
  )
}
