import { effect, signal } from '@preact/signals'

export type Lang = 'en' | 'zh'
export type Theme = 'light' | 'dark'

const LANG_KEY = 'qcc-lang'
const THEME_KEY = 'qcc-theme'

// Storage can throw (privacy modes); a preference that cannot be kept still applies.
function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}
function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    /* not remembered */
  }
}

function initialLang(): Lang {
  const saved = read(LANG_KEY)
  if (saved === 'en' || saved === 'zh') return saved
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'
}
function initialTheme(): Theme {
  const saved = read(THEME_KEY)
  if (saved === 'light' || saved === 'dark') return saved
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/** UI language and theme: remembered in localStorage, applied to <html>. */
export const lang = signal<Lang>(initialLang(), { name: 'prefs.lang' })
export const theme = signal<Theme>(initialTheme(), { name: 'prefs.theme' })

effect(() => {
  document.documentElement.lang = lang.value === 'zh' ? 'zh-CN' : 'en'
  write(LANG_KEY, lang.value)
})
effect(() => {
  document.documentElement.dataset.theme = theme.value
  write(THEME_KEY, theme.value)
})
