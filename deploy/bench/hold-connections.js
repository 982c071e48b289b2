// Opens COUNT keep-alive connections to 127.0.0.1:PORT, sends one GET PATH on each and holds them
// open until SIGTERM; prints one "held ..." line once every connection has answered or failed.
'use strict';
const net = require('net');

const [port, count, path] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] || '/livez'];
if (!(port > 0 && port < 65536) || !(count > 0 && count <= 100000)) {
  console.error('usage: node hold-connections.js PORT COUNT [PATH]');
  process.exit(2);
}
const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
let settled = 0, answered200 = 0, otherStatus = 0, failed = 0, closedAfterAnswer = 0, opening = 0, next = 0;
const sockets = [];

function report(tag) {
  console.log(`${tag} opened=${count} answered_200=${answered200} other_status=${otherStatus} ` +
              `failed=${failed} closed_by_server_after_answer=${closedAfterAnswer} ` +
              `open_now=${sockets.filter((s) => !s.destroyed).length}`);
}
function settle() {
  if (++settled === count) report('held');
}
// At most 64 connects in flight, so the listen backlog never overflows.
function openMore() {
  while (opening < 64 && next < count) {
    ++opening;
    ++next;
    let answered = false, connected = false, head = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      connected = true;
      --opening;
      openMore();
      socket.write(request);
    });
    sockets.push(socket);
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      if (answered) return;
      head += chunk;
      if (!head.includes('\r\n\r\n')) return;
      answered = true;
      if (head.startsWith('HTTP/1.1 200')) ++answered200; else ++otherStatus;
      settle();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (answered) { ++closedAfterAnswer; return; }
      if (!connected) --opening;
      ++failed;
      settle();
      openMore();
    });
  }
}
process.on('SIGTERM', () => { report('closing'); for (const s of sockets) s.destroy(); process.exit(0); });
process.on('SIGUSR1', () => report('status'));
openMore();
