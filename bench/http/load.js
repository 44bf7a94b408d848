// The load generator, in a process of its own: runs autocannon against a URL on request.
// { id, url, seconds, connections } → { id, rps, requests, non2xx, errors, timeouts, p50Ms, p99Ms }
import autocannon from 'autocannon';

process.on('message', (message) => {
  if (message?.type === 'close') {
    process.disconnect();
    return;
  }
  const { id, url, seconds, connections } = message;
  const started = process.hrtime.bigint();
  autocannon({ url, connections, duration: seconds, pipelining: 1 }, (error, result) => {
    if (error) {
      process.send({ id, error: String(error) });
      return;
    }
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    process.send({
      id,
      rps: result.requests.total / elapsed,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
    });
  });
});
process.send({ ready: true });
