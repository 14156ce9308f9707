import { t } from '../i18n'

/**
 * What a page says when this server does not mount its API (the tunnel and notifications are
 * optional): plain words instead of a form that cannot save.
 */
export function NotOffered(props: { what: string; path: string; error: string }) {
  return (
    <div class="note" data-testid="not-offered">
      <p>{props.what}</p>
      <p class="muted small">
        {t('This server does not offer it yet ({path}: {error}).', {
          path: props.path,
          error: props.error,
        })}
      </p>
    </div>
  )
}
