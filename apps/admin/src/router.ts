import { signal } from '@preact/signals'

/** The current path; the console's routes all live under /admin (plus /login). */
export const path = signal(location.pathname, { name: 'router.path' })

addEventListener('popstate', () => {
  path.value = location.pathname
})

export function navigate(to: string, replace = false): void {
  if (to === location.pathname) return
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  path.value = to
  scrollTo(0, 0)
}

/** Keeps a plain link's default open-in-new-tab behaviours while routing normal clicks here. */
export function onLinkClick(e: MouseEvent): void {
  const a = e.currentTarget as HTMLAnchorElement
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return
  e.preventDefault()
  navigate(a.pathname)
}
