#!/usr/bin/env node
// Keeps the dependency graph one-way: core <- store <- proxy, client <- proxy; admin talks
// HTTP only. Fails on an import of a package that is not allowed, or of another package's src/,
// and on a cycle between the top-level folders of a package's src/ (see folderCycles below).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

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

/**
 * The top-level folders of a package's src/ must import one another one way only: a cycle means
 * neither side can be read, tested or moved without the other. Relative imports of production
 * files count (type-only ones too); tests do not, they may reach anywhere; files at the root of
 * src/ (entry points, composition) are not folders. Returns one message per cycle, naming an
 * import that makes each step.
 */
function folderCycles(pkg) {
  const src = join(pkg, 'src')
  let files = []
  try {
    files = walk(src).filter((f) => !/\.test\.tsx?$/.test(f))
  } catch {
    return []
  }
  // The top-level folder a path is in (`./routing` names its index); undefined at the root of src/.
  const folderOf = (path) => {
    const parts = relative(src, path).split(sep)
    if (parts.length > 1) return parts[0]
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? parts[0] : undefined
  }
  /** folder -> folder it imports -> one `file imports 'specifier'` that does it */
  const edges = new Map()
  for (const file of files) {
    const from = folderOf(file)
    if (from === undefined) continue
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const target = resolve(dirname(file), m[1])
      if (relative(src, target).startsWith('..')) continue
      const to = folderOf(target)
      if (to === undefined || to === from) continue
      if (!edges.has(from)) edges.set(from, new Map())
      const out = edges.get(from)
      if (!out.has(to)) out.set(to, `${relative(src, file)} imports '${m[1]}'`)
    }
  }
  // Tarjan's strongly connected components; each component of two or more folders is a cycle.
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const components = []
  const visit = (v) => {
    index.set(v, index.size)
    low.set(v, index.get(v))
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)))
    }
    if (low.get(v) !== index.get(v)) return
    const component = []
    let w
    do {
      w = stack.pop()
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    if (component.length > 1) components.push(component)
  }
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v)
  return components.map((component) => {
    // The shortest way from the component's first folder back to itself, breadth first.
    const members = new Set(component)
    const start = [...component].sort()[0]
    const previous = new Map()
    const queue = [start]
    while (queue.length > 0 && !previous.has(start)) {
      const v = queue.shift()
      for (const w of edges.get(v)?.keys() ?? []) {
        if (!members.has(w) || previous.has(w)) continue
        previous.set(w, v)
        queue.push(w)
      }
    }
    const path = [start]
    for (let v = previous.get(start); v !== start; v = previous.get(v)) path.unshift(v)
    path.unshift(start)
    const steps = path.slice(1).map((to, i) => `    ${edges.get(path[i]).get(to)}`)
    const also =
      component.length > path.length - 1 ? ` (tangled: ${component.sort().join(', ')})` : ''
    return [`${src}: folder cycle ${path.join(' -> ')}${also}`, ...steps].join('\n')
  })
}
for (const pkg of Object.keys(allowed)) {
  for (const message of folderCycles(pkg)) {
    console.error(message)
    bad++
  }
}

if (bad) process.exit(1)
console.log(
  'import graph ok: core <- store <- proxy, client <- proxy; no folder cycles inside a package',
)
