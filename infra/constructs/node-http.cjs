// What a function's bundle gets for `node:http` (functionBuildOptions' alias): Node's own module, taken
// without an ES module facade. The facade reads every export, and `http`'s lazy WebSocket, CloseEvent and
// MessageEvent getters then load undici and http2 at INIT (about 60 ms of CPU), which nothing here uses.
module.exports = process.getBuiltinModule('node:http');
