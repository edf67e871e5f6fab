#!/usr/bin/env node
// Sends GET requests to a loopback URL at a fixed rate with keep-alive connections, at most
// <concurrency> in flight, and prints how many were answered 200 and how long it took:
//   node scripts/get-at-rate.js <url> <requests per second> <requests> [concurrency, default 8]
// startup-time.sh uses it to load the bare isolated worker (benchmarks/WorkerHello, under the Functions
// host) at the rate the merchant app reached, so the two CPU figures are taken at the same request
// rate. Only 127.0.0.1 / localhost URLs are accepted.
'use strict';
const http = require('http');

const [url, rateText, countText, concurrencyText = '8'] = process.argv.slice(2);
const fail = message => { console.error(`get-at-rate.js: ${message}`); process.exit(2); };
if (!url || !rateText || !countText) fail('usage: node scripts/get-at-rate.js <url> <requests per second> <requests> [concurrency]');
const target = new URL(url);
if (target.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(target.hostname)) fail(`only http://127.0.0.1 or localhost URLs, not ${url}`);
const [rate, count, concurrency] = [rateText, countText, concurrencyText].map(Number);
if (![rate, count, concurrency].every(n => Number.isFinite(n) && n > 0)) fail('rate, requests and concurrency must be positive numbers');

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let sent = 0, answered = 0, ok = 0, inFlight = 0;
const started = process.hrtime.bigint();
const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
const finish = () => {
  console.log(`get-at-rate: ${ok} of ${count} answered 200 in ${(elapsedMs() / 1000).toFixed(2)} s (${(answered * 1000 / elapsedMs()).toFixed(1)} requests/s, concurrency ${concurrency})`);
  process.exit(ok === count ? 0 : 1);
};
const send = () => {
  sent++;
  inFlight++;
  http.get(target, { agent }, response => {
    response.resume();
    response.on('end', () => {
      inFlight--;
      answered++;
      if (response.statusCode === 200) ok++;
      if (answered === count) finish();
    });
  }).on('error', error => fail(error.message));
};
const timer = setInterval(() => {
  const due = Math.min(count, Math.floor(elapsedMs() * rate / 1000));
  while (sent < due && inFlight < concurrency) send();
  if (sent >= count) clearInterval(timer);
}, 1);
