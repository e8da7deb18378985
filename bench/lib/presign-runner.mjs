// Plain JavaScript on purpose: run with bare `node` so a cold start measures the bundle, not a loader.
// Usage: node presign-runner.mjs <bundle.mjs> <event JSON> cold
//        node presign-runner.mjs <bundle.mjs> <event JSON> rate <seconds>
// cold: import the bundle, mint one URL, print it. rate: warm up, then mint for <seconds> and print
// {"urlsPerSecond": n}.
import { pathToFileURL } from 'node:url';

const [bundle, eventJson, mode, seconds] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const event = JSON.parse(eventJson);
const first = await handler(event, {});
if (mode === 'cold') {
  process.stdout.write(`${JSON.stringify(first)}\n`);
} else {
  for (let i = 0; i < 200; i++) await handler(event, {});
  const windowMs = Number(seconds) * 1000;
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < windowMs) {
    await handler(event, {});
    count += 1;
  }
  process.stdout.write(`${JSON.stringify({ urlsPerSecond: count / ((performance.now() - start) / 1000) })}\n`);
}
