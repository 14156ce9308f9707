import type { ComponentChildren } from 'preact'
import { useSignal } from '@preact/signals'
import { t } from '../i18n'
import { onLinkClick, path } from '../router'
import { ROUTES } from '../routes'
import { useServices } from '../services'
import { PrefsControls } from './prefs-controls'

function LiveBadge() {
  const { events } = useServices()
  const s = events.status.value
  const text = s === 'open' ? t('Live') : s === 'idle' ? t('Offline') : t('Reconnecting…')
  return (
    <span class={`live ${s}`} data-testid="live-status" data-state={s} title={t('Live updates')}>
      <span class="dot" aria-hidden="true" />
      <span class="label">{text}</span>
    </span>
  )
}

/** The shell: sidebar (a drawer on phones), top bar with live status, prefs and the user. */
export function Layout({ children }: { children: ComponentChildren }) {
  const { session } = useServices()
  const open = useSignal(false)
  const me = session.me.value
  const current = path.value.replace(/\/+$/, '') || '/admin'
  return (
    <div class={`shell ${open.value ? 'nav-open' : ''}`}>
      <a class="skip" href="#main">
        {t('Skip to content')}
      </a>
      <header class="topbar">
        <button
          type="button"
          class="btn ghost menu"
          aria-label={t('Menu')}
          aria-expanded={open.value}
          onClick={() => (open.value = !open.value)}
        >
          ☰
        </button>
        <span class="brand">qcc</span>
        <LiveBadge />
        <span class="spacer" />
        <PrefsControls />
        <span class="user" data-testid="whoami">
          {me?.name}
          {me?.is_admin && <span class="badge">{t('admin')}</span>}
        </span>
        <button type="button" class="btn ghost small" onClick={() => void session.logout()}>
          {t('Log out')}
        </button>
      </header>
      <nav class="sidebar" aria-label={t('Main')}>
        {ROUTES.filter((r) => !r.admin || me?.is_admin).map((r) => (
          <a
            key={r.path}
            href={r.path}
            class={current === r.path ? 'active' : ''}
            aria-current={current === r.path ? 'page' : undefined}
            onClick={(e) => {
              open.value = false
              onLinkClick(e)
            }}
          >
            <span class="icon" aria-hidden="true">
              {r.icon}
            </span>
            {t(r.label)}
          </a>
        ))}
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}
