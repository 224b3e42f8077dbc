// inspector.attached: kernel.sync.roundtrip (a 64-byte send → receive → reply, in-process) with
// the live inspector attached and a page streaming the trace: an event-stream client (views=trace)
// reading every frame. The loop gives the event loop a turn every CHUNK round trips, as a program
// does between tasks, so that the inspector's frames go out while it runs; the inspector takes at
// most `maxEvents` trace events per frame (the rest of each frame period costs nothing).
// closeWorkers() (worker.mjs) ends the inspector and its client after the row.
import { request } from 'node:http';
import { inspect } from 'rxnto/inspector';
import { kernelEcho } from './sync.mjs';
import { closeWith } from './worker.mjs';

const CHUNK = 5_000;

/** An event-stream client that reads and drops everything: resolves once the stream has begun. */
function streamingClient(url) {
  const u = new URL(url);
  const token = u.searchParams.get('token');
  const stats = { bytes: 0, frames: 0 };
  return new Promise((resolve, reject) => {
    const req = request(`${u.origin}/api/v1/events?views=trace`, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`the event stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        stats.bytes += chunk.length;
        for (let i = chunk.indexOf('event: frame'); i >= 0; i = chunk.indexOf('event: frame', i + 1)) stats.frames++;
      });
      res.on('error', () => {});
      resolve({ stats, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** inspector.attached: the kernel.sync.roundtrip loop with an inspector page open and streaming the trace. */
export function inspectorAttached() {
  const { kernel, roundtrips } = kernelEcho();
  let ready = null;
  const setup = async () => {
    const inspector = await inspect(kernel);
    const page = await streamingClient(inspector.url);
    closeWith(async () => {
      page.close();
      await inspector.close();
      if (page.stats.frames === 0) process.stderr.write('inspector.attached: the page received no frame (the row measured nothing)\n');
    });
    return page;
  };
  return async (n) => {
    await (ready ??= setup());
    let replies = 0;
    for (let done = 0; done < n;) {
      const m = Math.min(CHUNK, n - done);
      replies += roundtrips(m);
      done += m;
      // a turn of the event loop: the frame timer and the page's socket run here, as between a program's tasks
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (replies < n) throw new Error('a round trip did not complete synchronously');
  };
}
