#!/usr/bin/env node
// Keeps the dependency graph one-way: core <- store <- proxy, client <- proxy; admin talks
// HTTP only. Fails on an import of a package that is not allowed, or of another package's src/.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const allowed = {
  'packages/core': [],
  'packages/client': [],
  'packages/testing': [],
  'packages/store': ['@qcc/core'],
  'apps/proxy': ['@qcc/core', '@qcc/store', '@qcc/client', '@qcc/admin'],
  'apps/admin': [],
}
const testOnly = ['@qcc/testing']
let bad = 0
function walk(dir, files = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, files)
    else if (/\.(ts|tsx|mts|mjs)$/.test(name)) files.push(p)
  }
  return files
}
for (const [pkg, deps] of Object.entries(allowed)) {
  for (const dir of ['src', 'test']) {
    let files = []
    try {
      files = walk(join(pkg, dir))
    } catch {
      continue
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const isTest = dir === 'test' || /\.test\.tsx?$/.test(file)
      for (const m of text.matchAll(
        /(?:from|import)\s*\(?\s*['"](@qcc\/[^'"/]+)(\/[^'"]*)?['"]/g,
      )) {
        const [, name, sub] = m
        const ok = deps.includes(name) || (isTest && testOnly.includes(name))
        if (!ok || (sub && sub.startsWith('/src'))) {
          console.error(`${file}: imports ${name}${sub ?? ''}, not allowed from ${pkg}`)
          bad++
        }
      }
      if (/from\s+['"](\.\.\/)+(packages|apps)\//.test(text)) {
        console.error(`${file}: reaches into another package by relative path`)
        bad++
      }
    }
  }
}
if (bad) process.exit(1)
console.log('import graph ok: core <- store <- proxy, client <- proxy')
