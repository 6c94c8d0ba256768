const fs = require('fs')
for (const f of fs.readdirSync(process.argv[2])) {
  const p = JSON.parse(fs.readFileSync(process.argv[2] + '/' + f, 'utf8'))
  const dt = p.timeDeltas; const cnt = new Map(); p.samples.forEach((s, i) => cnt.set(s, (cnt.get(s) || 0) + (dt[i] || 0)))
  const self = new Map()
  for (const n of p.nodes) { const k = n.callFrame.functionName + ' ' + n.callFrame.url.split('/').slice(-2).join('/') + ':' + n.callFrame.lineNumber; self.set(k, (self.get(k) || 0) + (cnt.get(n.id) || 0)) }
  console.log(f); console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, +(process.argv[3] || 15)).map(([k, v]) => (v / 1000).toFixed(1) + 'ms ' + k).join('\n'))
}
