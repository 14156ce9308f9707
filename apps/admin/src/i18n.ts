import { lang } from './prefs'
import { ZH } from './i18n-zh'

/**
 * Translates an English UI string (the key is the English text itself, so a missing
 * translation still reads well) and fills `{name}` placeholders. Reading `lang` here makes every
 * component that calls `t` re-render when the language changes.
 */
export function t(text: string, vars?: Record<string, string | number>): string {
  const s = lang.value === 'zh' ? (ZH[text] ?? text) : text
  return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : s
}
