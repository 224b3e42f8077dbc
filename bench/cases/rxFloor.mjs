// rx.floor.shape: the least the binding's API shape asks of a round trip, with no kernel: what
// `conn.send(msg).subscribe(onReply)` to a `ch.pipe(messages())` subscriber that replies must
// allocate and copy whatever carries it. Per round trip: a cold Observable subscribed with a
// callback, a request Subject → a server subscriber that gets a message object holding its own
// 64-byte copy and a copy of the 12-field `_msg_info`, a reply Subject → a reply object holding
// its own 64-byte copy. A baseline for the rx.sync rows (no goal): their ratio to it is what the
// kernel and the binding's logic cost beyond what the shape needs.
import { Observable, Subject } from 'rxjs';

const PAYLOAD = 64;

class Message {
  constructor(rcvid, info, bytes) {
    this.rcvid = rcvid;
    this.info = info;
    this.bytes = bytes;
    this.answered = false;
  }
}

class Reply {
  constructor(status, bytes) {
    this.status = status;
    this.bytes = bytes;
  }
}

const info = () => ({ nd: 0, srcnd: 0, pid: 2, tid: 1, chid: 1, scoid: 0x40000000, coid: 0x40000000, msglen: PAYLOAD, srcmsglen: PAYLOAD, dstmsglen: PAYLOAD, priority: 10, flags: 0 });

export function rxFloorShape() {
  const request$ = new Subject();
  const reply$ = new Subject();
  const scratch = new Uint8Array(PAYLOAD);
  let rcvid = 0;
  request$.subscribe((msg) => {
    // the kernel's copy into the receive buffer is left out: only the message's own copy
    const m = new Message(++rcvid, info(), new Uint8Array(msg));
    scratch.set(m.bytes);
    m.answered = true;
    reply$.next(scratch);
  });
  let pending = null;
  reply$.subscribe((r) => { const p = pending; pending = null; p?.(new Reply(0, new Uint8Array(r))); });
  const msg = new Uint8Array(PAYLOAD).fill(7);
  let replies = 0;
  const onReply = () => { replies++; };
  const send = () => new Observable((subscriber) => {
    pending = (reply) => { subscriber.next(reply); subscriber.complete(); };
    request$.next(msg);
  });
  return (n) => {
    for (let i = 0; i < n; i++) send().subscribe(onReply);
    if (replies < n) throw new Error('a round trip did not complete synchronously');
    replies = 0;
  };
}
