import type { Signal } from '@preact/signals'
import { t } from '../i18n'

/**
 * Previous and next for an offset-paged list; "next" ends on a page shorter than `page`, or
 * where the API says no more follow (`hasMore`).
 */
export function Pager(props: {
  offset: Signal<number>
  page: number
  /** Rows on the current page. */
  shown: number
  /** Say which rows are shown ("Rows 51–100"). */
  showRange?: boolean
  /** The API's `has_more`, when it answers one. */
  hasMore?: boolean
}) {
  const { offset, page } = props
  return (
    <div class="pager">
      <button
        type="button"
        class="btn small"
        disabled={offset.value === 0}
        onClick={() => (offset.value = Math.max(0, offset.value - page))}
      >
        {t('Previous')}
      </button>
      {props.showRange && (
        <span class="muted small">
          {t('Rows {a}–{b}', { a: offset.value + 1, b: offset.value + props.shown })}
        </span>
      )}
      <button
        type="button"
        class="btn small"
        disabled={props.shown < page || props.hasMore === false}
        onClick={() => (offset.value = offset.value + page)}
      >
        {t('Next')}
      </button>
    </div>
  )
}
