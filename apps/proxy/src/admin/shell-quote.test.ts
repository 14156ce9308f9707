import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { installCommands, quotePosix, quotePowerShell } from './shell-quote'

describe('shell quoting of install commands', () => {
  it('H8: a real POSIX shell reads every quoted value back unchanged and runs nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcc-quote-'))
    const marker = join(dir, 'pwn')
    try {
      const nasty = [
        `x';touch ${marker};'`,
        `x'"$(touch ${marker})"'`,
        'a`touch ' + marker + '`b',
        `$(touch ${marker})`,
        "''''",
        'plain https://gw.example/api/claude-config/download/abc',
        'new\nline',
      ]
      for (const value of nasty) {
        const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${quotePosix(value)}`], {
          encoding: 'utf8',
        })
        expect(out).toBe(value)
      }
      expect(existsSync(marker)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('doubles every quote PowerShell ends a single-quoted string at', () => {
    expect(quotePowerShell("a'b")).toBe("'a''b'")
    expect(quotePowerShell('a\u2019b\u2018c')).toBe("'a\u2019\u2019b\u2018\u2018c'")
    expect(quotePowerShell('$env:X')).toBe("'$env:X'")
  })

  it('puts the URL into both commands as one quoted argument', () => {
    const cmd = installCommands("https://gw.example/x'y/api/claude-config/download/t")
    expect(cmd.unix).toBe(
      "mkdir -p ~/.claude && curl -fsSL 'https://gw.example/x'\\''y/api/claude-config/download/t' -o ~/.claude/settings.json",
    )
    expect(cmd.windows).toContain("iwr 'https://gw.example/x''y/api/claude-config/download/t' ")
  })
})
