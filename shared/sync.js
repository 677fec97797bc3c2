// Where a page stands in the hub's stream of pushes: shared/sync.py's rule, in JavaScript, for
// the hub's web pages. tests/hub/test_sync_js.py runs the table of tests/core/test_sync.py
// through both and requires the same outcome of every step.
class Sync {
  constructor() { this.seq = 0; this.syncing = false; this.resyncs = 0; this.reason = 'request'; }
  hello(seq) { this.seq = seq; }                  // the hello reply: pushes follow seq
  expect(reason) { this.reason = reason; }        // a snapshot or subscribe is being asked for
  snapshot(seq) {                                 // a snapshot reply taken in: why it came
    const reason = this.reason; this.reason = 'request';
    this.seq = seq; this.syncing = false; return reason; }
  push(seq, prev, event) {                        // {deliver, resync}: take it in? ask again?
    if (prev !== this.seq) return {deliver: false, resync: this._resync('gap')};
    this.seq = seq;
    return {deliver: true, resync: event === 'day' ? this._resync('day') : null}; }
  failed() { this.syncing = false; }              // the snapshot asked for did not come
  lost() { this.syncing = false; this.reason = 'request'; }  // the connection dropped
  _resync(reason) {
    if (this.syncing) return null;                // one is on its way: it covers this too
    this.syncing = true; this.resyncs += 1; this.reason = reason; return reason; }
}
