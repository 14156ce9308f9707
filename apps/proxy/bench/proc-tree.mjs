import { readdirSync, readFileSync } from 'node:fs'

/** A process and its descendants, from /proc's parent links. */
export function processTree(root) {
  const children = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(name))
      children.set(ppid, list)
    } catch {
      // gone already
    }
  }
  const out = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift()
    out.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return out
}
