// Child processes of the bench: started pinned to a CPU, found by the port they print or are
// given, sampled through /proc, and stopped by their own pid only.
import { execFileSync, spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'

/** CPU 1 for the peers, CPU 0 for load and upstream, as apps/proxy/bench/README.md does. */
export function pinning() {
  let taskset = false
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    taskset = true
  } catch {
    // no util-linux: run unpinned
  }
  const on = taskset && os.cpus().length >= 2
  return {
    on,
    peerCpu: '1',
    loadCpu: '0',
    /** Moves this process (and so the load clients it runs and spawns) to the load CPU. */
    pinSelf() {
      if (on)
        execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
    },
  }
}

const started = new Set()
export function stopAll() {
  for (const child of started) child.kill('SIGKILL')
  started.clear()
}
process.once('exit', stopAll)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll()
    process.exit(130)
  })
}

/**
 * Starts `node script` (optionally pinned to `cpu`); stdout and stderr go to `logFile` or are
 * scanned for `listening <port>`. Resolves once the port is known.
 */
export function startNode({ script, args = [], nodeArgs = [], env = {}, cpu, pin, logFile, port }) {
  const cmd = pin?.on && cpu !== undefined ? 'taskset' : process.execPath
  const node = [...nodeArgs, script, ...args]
  const argv = cmd === 'taskset' ? ['-c', cpu, process.execPath, ...node] : node
  const out = logFile ? openSync(logFile, 'a') : 'pipe'
  const child = spawn(cmd, argv, {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', out, out],
  })
  started.add(child)
  child.once('exit', () => started.delete(child))
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  if (port !== undefined) {
    return waitForPort(port, child).then(() => ({ child, pid: child.pid, port, stop }))
  }
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (d) => {
      text += d
      const m = /listening (\d+)/.exec(text)
      if (m) resolve({ child, pid: child.pid, port: Number(m[1]), stop })
    })
    child.stderr.on('data', (d) => (text += d))
    child.once('exit', (code) =>
      reject(new Error(`${script} exited (${code}): ${text.slice(-500)}`)),
    )
  })
}

async function waitForPort(port, child) {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`)
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nothing listens on ${port}`)
}

/** A port that was free a moment ago (for processes that take a fixed LISTEN_ADDR). */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Resident set size in MiB, from /proc (0 when the process is gone). */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

const TICK_S = 0.01 // CLK_TCK is 100 on Linux
/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_S
  } catch {
    return 0
  }
}

/** Samples RSS every `ms` until stopped; returns the peak and every sample. */
export function rssSampler(pid, ms = 250) {
  const samples = []
  const timer = setInterval(() => samples.push({ t: Date.now(), mib: rssMiB(pid) }), ms)
  return {
    samples,
    peak: () => Math.max(0, ...samples.map((s) => s.mib)),
    stop: () => clearInterval(timer),
  }
}
