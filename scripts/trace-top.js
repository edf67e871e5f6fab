#!/usr/bin/env node
// Top methods of a dotnet-sampled-thread-time trace, counting only the samples in which the thread
// was running managed code: `dotnet-trace report <trace> topN` counts every thread all the time, so
// idle thread-pool threads waiting for work top its list.
//   dotnet-trace convert app.nettrace --format Speedscope -o app      (writes app.speedscope.json)
//   node scripts/trace-top.js app.speedscope.json [N]                 (default N: 20)
// In the speedscope file each sample's stack ends in CPU_TIME (the thread ran managed code) or
// UNMANAGED_CODE_TIME (native code: waiting, a system call, the GC, OpenSSL); only the first kind is
// counted here. Exclusive: the method the sample was in; inclusive: every method on its stack. The
// finalizer thread is left out: the sampler reports it running its last finalizer while it waits.
'use strict';
const fs = require('fs');

const [file, n = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/trace-top.js <file.speedscope.json> [N]');
  process.exit(2);
}
const top = Number(n);
const data = JSON.parse(fs.readFileSync(file, 'utf8'));
const frames = data.shared.frames.map(frame => frame.name.replace(/^[^!]*!/, ''));
const exclusive = new Map();
const inclusive = new Map();
let managed = 0;
let other = 0;
let finalizer = 0;
const add = (map, key, value) => map.set(key, (map.get(key) || 0) + value);

for (const profile of data.profiles) {
  const stack = [];
  let last = null;
  for (const event of profile.events) {
    if (last !== null && event.at > last && stack.length >= 2) {
      const elapsed = event.at - last;
      if (stack.some(index => frames[index] === 'System.GC.RunFinalizers()')) {
        finalizer += elapsed;
      } else if (frames[stack[stack.length - 1]] === 'CPU_TIME') {
        managed += elapsed;
        add(exclusive, frames[stack[stack.length - 2]], elapsed);
        for (const frame of new Set(stack.slice(0, -1).map(index => frames[index]))) {
          add(inclusive, frame, elapsed);
        }
      } else {
        other += elapsed;
      }
    }
    last = event.at;
    if (event.type === 'O') {
      stack.push(event.frame);
    } else {
      // A close event ends its frame and any left open above it.
      const at = stack.lastIndexOf(event.frame);
      stack.length = at >= 0 ? at : stack.length;
    }
  }
}

const skip = name => /^(Process\d+ |Thread \(|Threads$|\(Non-Activities\)$)/.test(name);
const shorten = name => (name.length > 140 ? name.slice(0, 137) + '...' : name);
const print = (title, map) => {
  console.log(`\n${title}`);
  [...map.entries()].filter(([name]) => !skip(name)).sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([name, value], i) => console.log(`${String(i + 1).padStart(3)}. ${(100 * value / managed).toFixed(1).padStart(5)}%  ${shorten(name)}`));
};
console.log(`managed-code samples: ${(managed / 1000).toFixed(1)} s of thread time (not counted: ${(other / 1000).toFixed(1)} s in native code or waiting, ${(finalizer / 1000).toFixed(1)} s of the finalizer thread)`);
print(`Top ${top} exclusive (share of managed-code time)`, exclusive);
print(`Top ${top} inclusive (share of managed-code time)`, inclusive);
