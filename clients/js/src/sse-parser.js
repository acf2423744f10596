// Incremental parser of a text/event-stream body (the WHATWG "event stream interpretation"): feed it
// decoded text as it arrives, get back complete events. Lines end in CRLF, LF or CR; a blank line
// dispatches; lines starting with ':' are comments; `retry:` sets the reconnect delay.

export class SseParser {
  constructor() {
    this.buffer = '';
    this.pendingCR = false; // the previous chunk ended in CR: a following LF belongs to it
    this.reset();
    this.lastEventId = '';
    this.retry = null;
  }

  reset() {
    this.data = [];
    this.event = '';
    this.hasId = false;
  }

  /** Parses `text` (any split); returns the events it completed: { id, event, data, hasData }. */
  push(text) {
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    const events = [];
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      if (lf < 0 && cr < 0) break;
      let end;
      let next;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr === this.buffer.length - 1) {
          end = cr; // CR at the end: the LF of a CRLF may come with the next chunk
          next = cr + 1;
          this.pendingCR = true;
        } else {
          end = cr;
          next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        }
      } else {
        end = lf;
        next = lf + 1;
      }
      const event = this.line(this.buffer.slice(start, end));
      if (event) events.push(event);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  line(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) {
      this.lastEventId = value;
      this.hasId = true;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) this.retry = Number(value);
    return null;
  }

  dispatch() {
    const hasData = this.data.length > 0;
    const hadId = this.hasId;
    const event = { id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n'), hasData };
    this.reset();
    return hasData || hadId ? event : null;
  }
}
