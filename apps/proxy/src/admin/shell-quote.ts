/** One argument for a POSIX shell: single quotes, each `'` written as `'\''`. */
export function quotePosix(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`
}

/**
 * One argument for PowerShell: single quotes (no expansion inside), each quote doubled.
 * PowerShell also ends a single-quoted string at the typographic quotes U+2018 to U+201B.
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`
}

/** One-line commands that download `url` to Claude Code's settings.json (macOS/Linux, Windows). */
export function installCommands(url: string): { unix: string; windows: string } {
  return {
    unix: `mkdir -p ~/.claude && curl -fsSL ${quotePosix(url)} -o ~/.claude/settings.json`,
    windows:
      'New-Item -ItemType Directory -Force "$env:USERPROFILE\\.claude" | Out-Null; ' +
      `iwr ${quotePowerShell(url)} -OutFile "$env:USERPROFILE\\.claude\\settings.json"`,
  }
}
