// Waiting in the browser pages: sleep, and poll a condition until it holds (or time out).
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(f, ms = 5000) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}
