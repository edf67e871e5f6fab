#!/usr/bin/env node
// Summarises a `perf record -g` profile of the worker (scripts/cpu-per-notification.sh --perf <file>):
// where the CPU samples are (the leaf frame, native libraries without symbols named by library),
// which managed method is nearest to each sample (so a system call or a runtime helper counts for the
// .NET method that made it), and a few overlapping cost groups found by scanning each stack.
//   node scripts/perf-top.js <perf.data> [N]          (default N: 20; runs `perf script`)
// JIT-compiled frames are named only if /tmp/perf-<pid>.map of that run is still there; ReadyToRun
// code not yet re-compiled by tiered compilation counts by its assembly ("[System.Private.CoreLib.dll]").
// With `--env DOTNET_ReadyToRun=0` every method is JIT-compiled and named (a less realistic profile).
'use strict';
const { execFileSync } = require('child_process');

const [file, n = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/perf-top.js <perf.data> [N]');
  process.exit(2);
}
const top = Number(n);
const text = execFileSync('perf', ['script', '-i', file, '-F', 'ip,sym,dso'], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

// Frame text → a short name: "[Assembly] Namespace.Type::Method(...)", "[k] kernel_symbol", "[libname.so]".
const name = line => {
  const match = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(line);
  if (!match) return null;
  let [, symbol, dso] = match;
  const library = dso.split('/').pop();
  if (!symbol || symbol.startsWith('[unknown]') || /^0x[0-9a-f]+$/.test(symbol)) return `[${library}]`;
  if (dso.includes('kernel')) return `[k] ${symbol}`;
  symbol = symbol.replace(/\[(OptimizedTier1|Tier0|Tier1|Optimized|QuickJitted|Instrumented[^\]]*|PreJIT|OptimizedTier1OSR)\]$/, '');
  if (symbol.includes('::')) symbol = symbol.replace(/^(instance |static )?(class |valuetype )?\S+ (?=\[)/, '');
  return symbol;
};
// Managed frames read "[Assembly] Namespace.Type::Method(...)".
const managed = frame => frame.includes('::');
const has = (stack, ...parts) => stack.some(f => parts.some(part => f.includes(part)));

const samples = [];
for (const block of text.split('\n\n')) {
  const frames = block.split('\n').map(name).filter(Boolean);
  if (frames.length) samples.push(frames);
}
const total = samples.length;
const leaf = new Map();
const nearest = new Map();
const add = (map, key) => map.set(key, (map.get(key) || 0) + 1);
const groups = [
  ['Azure SDK calls (Azure.Core pipeline, inclusive)', s => has(s, '[Azure.Core]')],
  ['HttpClient (System.Net.Http)', s => has(s, '[System.Net.Http]')],
  ['Kestrel (incoming requests)', s => has(s, 'Kestrel')],
  ['Functions worker (Microsoft.Azure.Functions.Worker*: invocation, middleware, HTTP integration)', s => has(s, '[Microsoft.Azure.Functions.Worker')],
  ['gRPC channel to the host (Grpc.*, Google.Protobuf)', s => has(s, '[Grpc.', '[Google.Protobuf]')],
  ['socket engine (epoll thread: I/O completions)', s => has(s, 'SocketAsyncEngine')],
  ['thread-pool workers waiting or spinning for work', s => has(s, 'LowLevelLifoSemaphore')],
  ['sched_yield (spinning)', s => has(s, 'sched_yield')],
  ['console logging (Microsoft.Extensions.Logging.Console)', s => has(s, 'Logging.Console')],
  ['all logging calls (Microsoft.Extensions.Logging*)', s => has(s, 'Microsoft.Extensions.Logging')],
  ['JIT compiler (libclrjit.so)', s => s.some(f => f === '[libclrjit.so]')],
  ['runtime native code (libcoreclr.so leaf: GC, stubs, waits)', s => s[0] === '[libcoreclr.so]'],
  ['kernel leaf', s => s[0].startsWith('[k] ')],
  ['OpenSSL (libcrypto)', s => s.some(f => f.startsWith('[libcrypto'))],
  ['QoinHub code on the stack', s => has(s, '[QoinHub.')],
];
const grouped = new Map();
for (const stack of samples) {
  add(leaf, stack[0]);
  add(nearest, stack.find(managed) || '(no managed frame: runtime, kernel or native threads)');
  for (const [label, test] of groups) if (test(stack)) add(grouped, label);
}
const pct = value => `${(100 * value / total).toFixed(1).padStart(5)}%`;
const shorten = text => (text.length > 150 ? text.slice(0, 147) + '...' : text);
const print = (title, map) => {
  console.log(`\n${title}`);
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([key, value], i) => console.log(`${String(i + 1).padStart(3)}. ${pct(value)}  ${shorten(key)}`));
};
console.log(`${total} samples`);
print(`Top ${top} exclusive (leaf frame)`, leaf);
print(`Top ${top} by nearest managed method (exclusive, native and kernel time included)`, nearest);
console.log('\nGroups (inclusive, overlapping)');
for (const [label] of groups) console.log(`  ${pct(grouped.get(label) || 0)}  ${label}`);
