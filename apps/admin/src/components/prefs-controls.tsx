import { t } from '../i18n'
import { lang, theme } from '../prefs'

/** Language and theme switches, on the login page and in the shell. */
export function PrefsControls() {
  return (
    <div class="prefs">
      <button
        type="button"
        class="btn ghost small"
        data-testid="lang-toggle"
        aria-label={t('Switch language')}
        onClick={() => (lang.value = lang.value === 'en' ? 'zh' : 'en')}
      >
        {lang.value === 'en' ? '中文' : 'English'}
      </button>
      <button
        type="button"
        class="btn ghost small"
        data-testid="theme-toggle"
        aria-label={theme.value === 'dark' ? t('Switch to light theme') : t('Switch to dark theme')}
        onClick={() => (theme.value = theme.value === 'dark' ? 'light' : 'dark')}
      >
        {theme.value === 'dark' ? '☀' : '☾'}
      </button>
    </div>
  )
}
